/**
 * Validates a template's resource properties against the official CloudFormation resource provider schemas
 * kept in `shared/cfn-schemas/` beside the repository or beside one of its parent folders (so clones at
 * `/work/main` and `/work/wt/<name>` both find `/work/shared/cfn-schemas`), never copied into it.
 *
 * Two things stand between those schemas and a real template, and both are handled here rather than by
 * loosening the check:
 * - intrinsic functions: `{"Ref": ...}` or `{"Fn::Sub": ...}` may stand for any value. The schemas are
 *   rewritten so that every value position also accepts a one-key intrinsic object; everything else
 *   (`additionalProperties: false`, `required`, types, enums, patterns) stays as strict as published.
 * - `Fn::If`: its branches are real values that must be valid too. The template is expanded for every
 *   true/false assignment of its conditions, each `Fn::If` replaced by the chosen branch (and
 *   `AWS::NoValue` removing its key), and each expansion validated; resources whose `Condition` is false in
 *   an assignment are skipped for it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { CfnTemplate } from '../../src/deploy/template.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The nearest `shared/cfn-schemas` above the repository; `../shared/cfn-schemas` when there is none. */
function findSchemaDir(): string {
  for (let dir = path.dirname(REPO_ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'cfn-schemas');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.resolve(REPO_ROOT, '..', 'shared', 'cfn-schemas');
  }
}

export const SCHEMA_DIR = findSchemaDir();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaNode = { [key: string]: unknown };

/** A provider schema as published: the parts this helper reads. */
export interface ResourceSchema extends SchemaNode {
  typeName: string;
  properties: Record<string, SchemaNode>;
  required?: string[];
  readOnlyProperties?: string[];
  definitions?: Record<string, SchemaNode>;
}

export interface SchemaIssue {
  /** Logical id of the resource. */
  resource: string;
  type: string;
  /** JSON pointer inside `Properties` ('' for the object itself). */
  path: string;
  keyword: string;
  message: string;
  /** The condition assignment under which it failed (empty when the template has no conditions). */
  conditions: Record<string, boolean>;
}

/**
 * Loads every `*.json` schema in `dir`, keyed by type name. Throws when the folder is missing or empty: a
 * validation that silently found no schema would pass everything.
 */
export function loadResourceSchemas(dir: string = SCHEMA_DIR): Map<string, ResourceSchema> {
  // Read once per folder and vitest worker (the files share a worker's modules): the schemas are only read.
  const cached = loadedSchemas.get(dir);
  if (cached) return cached;
  if (!existsSync(dir)) {
    throw new Error(`CloudFormation resource schemas not found at ${dir} (expected shared/cfn-schemas beside the repository or one of its parent folders)`);
  }
  const schemas = new Map<string, ResourceSchema>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ResourceSchema;
    schemas.set(schema.typeName, schema);
  }
  if (schemas.size === 0) throw new Error(`no CloudFormation resource schema (*.json) in ${dir}`);
  loadedSchemas.set(dir, schemas);
  return schemas;
}

const loadedSchemas = new Map<string, Map<string, ResourceSchema>>();

/** Attribute names `Fn::GetAtt` accepts for a type: its read-only properties, nested ones dotted. */
export function getAttNames(schema: ResourceSchema): Set<string> {
  return new Set(
    (schema.readOnlyProperties ?? [])
      .filter((pointer) => pointer.startsWith('/properties/'))
      .map((pointer) => pointer.slice('/properties/'.length).split('/').join('.')),
  );
}

const INTRINSIC_REF = '#/definitions/__CfnIntrinsic';
const INTRINSIC = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  propertyNames: { pattern: '^(Ref|Condition|Fn::[A-Za-z0-9]+)$' },
};

/** An Ajv for CloudFormation's resource schemas: their formats and pattern dialect, and `requiredXor`. */
function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    // The schemas' formats are CloudFormation's own (`AWS::IAM::Role.Arn`, `json`), not JSON Schema's.
    validateFormats: false,
    logger: false,
    code: { regExp: cfnRegExp },
    // Every value may be an intrinsic function (a `$ref`): called, not inlined at each of thousands of places, it
    // compiles about four times faster.
    inlineRefs: false,
  });
  ajv.addKeyword({
    keyword: 'requiredXor',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function requiredXor(names: string[], data: Record<string, unknown>) {
      const present = names.filter((name) => name in data);
      if (present.length === 1) return true;
      (requiredXor as unknown as { errors: Partial<ErrorObject>[] }).errors = [
        { keyword: 'requiredXor', message: `must have exactly one of ${names.join(', ')}`, params: { names } },
      ];
      return false;
    },
  });
  return ajv;
}

type Issues = Array<Pick<SchemaIssue, 'path' | 'keyword' | 'message'>>;

/**
 * What validators of the same schemas share: compiling a type's validator is the costly part, and a vitest worker
 * runs many files that validate against the same schemas (it shares their modules).
 */
const compiledFor = new WeakMap<Map<string, ResourceSchema>, { ajv: Ajv; compiled: Map<string, ValidateFunction>; results: Map<string, Issues> }>();

/** Compiles one validator per resource type, each accepting intrinsics in place of any value. */
export class PropertiesValidator {
  private readonly ajv: Ajv;
  private readonly compiled: Map<string, ValidateFunction>;
  private readonly results: Map<string, Issues>;

  constructor(private readonly schemas: Map<string, ResourceSchema>) {
    const shared = compiledFor.get(schemas) ?? { ajv: createAjv(), compiled: new Map(), results: new Map() };
    compiledFor.set(schemas, shared);
    this.ajv = shared.ajv;
    this.compiled = shared.compiled;
    this.results = shared.results;
  }

  has(type: string): boolean {
    return this.schemas.has(type);
  }

  /**
   * Issues for one resource's `Properties` (already free of `Fn::If`). Most resources read the same under every
   * condition assignment, so each distinct value is validated once.
   */
  validate(type: string, properties: unknown): Array<Pick<SchemaIssue, 'path' | 'keyword' | 'message'>> {
    const key = `${type}\n${JSON.stringify(properties ?? {})}`;
    let issues = this.results.get(key);
    if (!issues) {
      const validator = this.validatorFor(type);
      issues = validator(properties ?? {})
        ? []
        : (validator.errors ?? [])
            .filter((error) => !isIntrinsicNoise(error))
            .map((error) => ({ path: error.instancePath, keyword: error.keyword, message: describe(error) }));
      this.results.set(key, issues);
    }
    return issues.map((issue) => ({ ...issue }));
  }

  private validatorFor(type: string): ValidateFunction {
    const existing = this.compiled.get(type);
    if (existing) return existing;
    const schema = this.schemas.get(type);
    if (!schema) throw new Error(`no CloudFormation schema for resource type ${type}`);
    const validator = this.ajv.compile(toValidationSchema(schema));
    this.compiled.set(type, validator);
    return validator;
  }
}

/** Validates every resource of the template under every condition assignment. */
export function validateTemplateProperties(template: CfnTemplate, validator: PropertiesValidator): SchemaIssue[] {
  const issues = new Map<string, SchemaIssue>();
  for (const conditions of conditionAssignments(template)) {
    for (const [resource, definition] of Object.entries(template.Resources)) {
      if (definition.Condition !== undefined && conditions[definition.Condition] === false) continue;
      if (!validator.has(definition.Type)) {
        issues.set(`${resource}|type`, {
          resource,
          type: definition.Type,
          path: '',
          keyword: 'type',
          message: `no schema for resource type ${definition.Type}`,
          conditions,
        });
        continue;
      }
      const properties = resolveConditions(definition.Properties ?? {}, conditions);
      for (const issue of validator.validate(definition.Type, properties)) {
        const key = `${resource}|${issue.path}|${issue.message}`;
        if (!issues.has(key)) issues.set(key, { resource, type: definition.Type, ...issue, conditions });
      }
    }
  }
  return [...issues.values()];
}

/** Every true/false assignment of the template's conditions (one empty assignment when it has none). */
export function conditionAssignments(template: CfnTemplate): Array<Record<string, boolean>> {
  const names = Object.keys(template.Conditions ?? {});
  const out: Array<Record<string, boolean>> = [];
  for (let bits = 0; bits < 2 ** names.length; bits += 1) {
    out.push(Object.fromEntries(names.map((name, index) => [name, (bits & (1 << index)) !== 0])));
  }
  return out;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** A copy of `value` with each `Fn::If` replaced by its branch for `conditions`, `AWS::NoValue` removed. */
export function resolveConditions(value: unknown, conditions: Record<string, boolean>): unknown {
  const resolved = resolve(value, conditions);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolve(value: unknown, conditions: Record<string, boolean>): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, conditions)).filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0]!;
    if (key === 'Ref' && argument === 'AWS::NoValue') return NO_VALUE;
    if (key === 'Fn::If' && Array.isArray(argument) && argument.length === 3 && typeof argument[0] === 'string') {
      const chosen = conditions[argument[0]] ? argument[1] : argument[2];
      return resolve(chosen, conditions);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolve(item, conditions);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function toValidationSchema(schema: ResourceSchema): SchemaNode {
  const readOnly = new Set(
    (schema.readOnlyProperties ?? []).filter((pointer) => /^\/properties\/[^/]+$/.test(pointer)).map((pointer) => pointer.slice('/properties/'.length)),
  );
  // Read-only properties are what CloudFormation reports, never what a template may set.
  const properties = Object.fromEntries(Object.entries(schema.properties).filter(([name]) => !readOnly.has(name)));
  const root: SchemaNode = { type: 'object', properties, additionalProperties: schema.additionalProperties ?? false };
  for (const key of ['required', 'requiredXor', 'oneOf', 'anyOf', 'allOf', 'dependencies', 'dependentRequired']) {
    if (key in schema) root[key] = structuredClone(schema[key]);
  }
  const transformed = transform(structuredClone(root)) as SchemaNode;
  transformed.definitions = {
    ...Object.fromEntries(Object.entries(schema.definitions ?? {}).map(([name, definition]) => [name, transform(structuredClone(definition))])),
    __CfnIntrinsic: INTRINSIC,
  };
  return transformed;
}

function allowIntrinsic(node: unknown): SchemaNode {
  return { anyOf: [{ $ref: INTRINSIC_REF }, transform(node)] };
}

/** Rewrites a schema so that every value position below it also accepts an intrinsic function. */
function transform(node: unknown): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const schema = { ...(node as SchemaNode) };
  for (const key of ['properties', 'patternProperties']) {
    const map = schema[key];
    if (isObject(map)) schema[key] = Object.fromEntries(Object.entries(map).map(([name, child]) => [name, allowIntrinsic(child)]));
  }
  if (isObject(schema.additionalProperties)) schema.additionalProperties = allowIntrinsic(schema.additionalProperties);
  if (Array.isArray(schema.items)) schema.items = schema.items.map(allowIntrinsic);
  else if (isObject(schema.items)) schema.items = allowIntrinsic(schema.items);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) schema[key] = list.map(transform);
  }
  for (const key of ['not', 'if', 'then', 'else']) {
    if (isObject(schema[key])) schema[key] = transform(schema[key]);
  }
  if (isObject(schema.dependencies)) {
    schema.dependencies = Object.fromEntries(
      Object.entries(schema.dependencies).map(([name, dependency]) => [name, Array.isArray(dependency) ? dependency : transform(dependency)]),
    );
  }
  return schema;
}

function isObject(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The intrinsic branch's own failures, and the anyOf that wraps it, say nothing about the real value.
function isIntrinsicNoise(error: ErrorObject): boolean {
  if (error.schemaPath.includes('__CfnIntrinsic')) return true;
  return error.keyword === 'anyOf' && /\/anyOf$/.test(error.schemaPath);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(Properties)';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unknown property ${String((error.params as { additionalProperty: string }).additionalProperty)}`;
    case 'required':
      return `${where}: missing required property ${String((error.params as { missingProperty: string }).missingProperty)}`;
    case 'enum':
      return `${where}: must be one of ${JSON.stringify((error.params as { allowedValues: Json }).allowedValues)}`;
    default:
      return `${where}: ${error.message ?? error.keyword}`;
  }
}

/**
 * The schemas' patterns are written for CloudFormation's (Python/Java) regex engines: `\Z` ends the input
 * there, and some use `\p{L}`, which JavaScript reads only in unicode mode.
 */
function cfnRegExp(pattern: string, flags: string): RegExp {
  const fixed = pattern.replace(/\\Z/g, '$');
  try {
    return new RegExp(fixed, flags);
  } catch {
    return new RegExp(fixed, flags.replace('u', ''));
  }
}
cfnRegExp.code = 'new RegExp';
