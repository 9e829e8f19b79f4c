/**
 * Checks that every name a template uses exists: `Ref`, `Fn::GetAtt` (resource and attribute), `Fn::Sub`
 * variables, `Condition` keys and `{"Condition": ...}`, `Fn::If` conditions and `DependsOn`; and that a
 * resource that exists only under a condition is referenced only where that condition holds (otherwise
 * CloudFormation rejects the template when the condition is false).
 */
import type { CfnTemplate } from '../../src/deploy/template.js';
import { getAttNames, type ResourceSchema } from './cfn-schema.js';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export interface RefIssue {
  /** Where the name is used, e.g. `Resources/Function/Properties/Environment/Variables/USER_POOL_ID`. */
  at: string;
  message: string;
}

/** Which kinds of names may be referenced in the section being walked. */
type Section = 'Resources' | 'Outputs' | 'Conditions' | 'Rules';

interface Walk {
  readonly section: Section;
  readonly at: string;
  /** Conditions known to be true here: the resource's or output's own, and enclosing `Fn::If` branches. */
  readonly holding: ReadonlySet<string>;
}

export function checkReferences(template: CfnTemplate, schemas: Map<string, ResourceSchema>): RefIssue[] {
  const issues: RefIssue[] = [];
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const resources = template.Resources;

  const report = (walk: Walk, message: string): void => {
    issues.push({ at: walk.at, message });
  };

  const checkCondition = (walk: Walk, name: unknown): void => {
    if (typeof name !== 'string' || !conditions.has(name)) report(walk, `unknown condition ${JSON.stringify(name)}`);
  };

  const checkRef = (walk: Walk, name: unknown): void => {
    if (typeof name !== 'string') return report(walk, `Ref to a non-string ${JSON.stringify(name)}`);
    if (PSEUDO_PARAMETERS.has(name) || parameters.has(name)) return;
    if (walk.section === 'Conditions' || walk.section === 'Rules') {
      return report(walk, `${walk.section} may only Ref parameters and pseudo parameters, not ${name}`);
    }
    if (!(name in resources)) return report(walk, `Ref to unknown name ${name}`);
    checkConditional(walk, name);
  };

  const checkGetAtt = (walk: Walk, resource: unknown, attribute: unknown): void => {
    if (walk.section === 'Conditions' || walk.section === 'Rules') {
      return report(walk, `Fn::GetAtt is not allowed in ${walk.section}`);
    }
    if (typeof resource !== 'string' || !(resource in resources)) {
      return report(walk, `Fn::GetAtt on unknown resource ${JSON.stringify(resource)}`);
    }
    checkConditional(walk, resource);
    const type = resources[resource]!.Type;
    const schema = schemas.get(type);
    if (!schema) return report(walk, `Fn::GetAtt on ${resource}: no schema for ${type}`);
    if (typeof attribute !== 'string' || !getAttNames(schema).has(attribute)) {
      report(walk, `Fn::GetAtt ${resource}.${String(attribute)}: ${type} has no attribute ${String(attribute)}`);
    }
  };

  const checkConditional = (walk: Walk, resource: string): void => {
    const condition = resources[resource]?.Condition;
    if (condition !== undefined && !walk.holding.has(condition)) {
      report(walk, `${resource} exists only when ${condition} holds, which is not known here`);
    }
  };

  const checkSub = (walk: Walk, argument: unknown): void => {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof text !== 'string') return report(walk, 'Fn::Sub without a string');
    const local = typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {};
    for (const [name, value] of Object.entries(local)) visit(value, { ...walk, at: `${walk.at}/Fn::Sub/${name}` });
    for (const name of subVariables(text)) {
      if (name in local) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETERS.has(name)) checkGetAtt(walk, name.slice(0, dot), name.slice(dot + 1));
      else checkRef(walk, name);
    }
  };

  const visit = (value: unknown, walk: Walk): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, { ...walk, at: `${walk.at}/${index}` }));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entries = Object.entries(value);
    const [key, argument] = entries.length === 1 ? entries[0]! : ['', undefined];
    switch (key) {
      case 'Ref':
        return checkRef(walk, argument);
      case 'Condition':
        if (walk.section === 'Conditions') return checkCondition(walk, argument);
        break;
      case 'Fn::GetAtt': {
        const [resource, attribute] = Array.isArray(argument)
          ? argument
          : typeof argument === 'string'
            ? [argument.slice(0, argument.indexOf('.')), argument.slice(argument.indexOf('.') + 1)]
            : [argument, undefined];
        return checkGetAtt(walk, resource, attribute);
      }
      case 'Fn::Sub':
        return checkSub(walk, argument);
      case 'Fn::If': {
        if (walk.section === 'Conditions' || walk.section === 'Rules') report(walk, `Fn::If is not allowed in ${walk.section}`);
        if (!Array.isArray(argument) || argument.length !== 3) return report(walk, 'Fn::If needs [condition, then, else]');
        const [condition, whenTrue, whenFalse] = argument as [unknown, unknown, unknown];
        checkCondition(walk, condition);
        const holding = new Set(walk.holding);
        if (typeof condition === 'string') holding.add(condition);
        visit(whenTrue, { ...walk, at: `${walk.at}/Fn::If/1`, holding });
        visit(whenFalse, { ...walk, at: `${walk.at}/Fn::If/2` });
        return;
      }
      default:
        break;
    }
    for (const [name, item] of entries) visit(item, { ...walk, at: `${walk.at}/${name}` });
  };

  for (const [name, definition] of Object.entries(template.Conditions ?? {})) {
    visit(definition, { section: 'Conditions', at: `Conditions/${name}`, holding: new Set() });
  }
  for (const [name, rule] of Object.entries(template.Rules ?? {})) {
    visit(rule, { section: 'Rules', at: `Rules/${name}`, holding: new Set() });
  }
  for (const [name, resource] of Object.entries(resources)) {
    const walk: Walk = { section: 'Resources', at: `Resources/${name}`, holding: new Set(resource.Condition ? [resource.Condition] : []) };
    if (resource.Condition !== undefined) checkCondition({ ...walk, at: `${walk.at}/Condition` }, resource.Condition);
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dependency of dependsOn) {
      if (!(dependency in resources)) report({ ...walk, at: `${walk.at}/DependsOn` }, `DependsOn unknown resource ${dependency}`);
      else checkConditional({ ...walk, at: `${walk.at}/DependsOn` }, dependency);
    }
    visit(resource.Properties, { ...walk, at: `${walk.at}/Properties` });
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const walk: Walk = { section: 'Outputs', at: `Outputs/${name}`, holding: new Set(output.Condition ? [output.Condition] : []) };
    if (output.Condition !== undefined) checkCondition({ ...walk, at: `${walk.at}/Condition` }, output.Condition);
    visit(output.Value, { ...walk, at: `${walk.at}/Value` });
    visit(output.Export, { ...walk, at: `${walk.at}/Export` });
  }
  return issues;
}

/** The `${Name}` and `${Res.Attr}` variables of a `Fn::Sub` string; `${!Literal}` is text, not a variable. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)]
    .map((match) => match[1]!)
    .filter((name) => !name.startsWith('!'))
    .map((name) => name.trim());
}

/** Parameters and conditions that nothing uses (they mislead whoever sets them). */
export function unusedNames(template: CfnTemplate): string[] {
  const used = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(collect);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, argument] of Object.entries(value)) {
      if ((key === 'Ref' || key === 'Condition') && typeof argument === 'string') used.add(argument);
      if (key === 'Fn::If' && Array.isArray(argument) && typeof argument[0] === 'string') used.add(argument[0]);
      if (key === 'Fn::Sub') {
        const text = Array.isArray(argument) ? argument[0] : argument;
        if (typeof text === 'string') for (const name of subVariables(text)) used.add(name);
      }
      collect(argument);
    }
  };
  collect(template.Conditions);
  collect(template.Rules);
  collect(template.Resources);
  collect(template.Outputs);
  return [...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Conditions ?? {})].filter((name) => !used.has(name));
}
