/**
 * CloudFormation YAML → the JSON form CloudFormation itself works with.
 *
 * The short-form tags (`!Ref`, `!Sub`, `!GetAtt`, ...) are plain YAML local tags, so a generic YAML parser
 * either drops them or warns. Here each tag is registered as a no-op for scalars, sequences and maps (any of
 * which CloudFormation accepts after a tag), the document is parsed once, and the AST is then converted by
 * hand, turning every tagged node into its long form (`{"Ref": ...}`, `{"Fn::GetAtt": [A, B]}` ...).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Tags } from 'yaml';

/** The short-form tags CloudFormation accepts, without the `!`. */
const CFN_SHORT_TAGS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'Base64',
  'FindInMap',
  'ImportValue',
  'GetAZs',
  'Cidr',
  'Transform',
  'Length',
  'ToJsonString',
] as const;

/** A template that is not valid YAML, with the position of the first problem. */
export class CfnYamlError extends Error {
  override readonly name = 'CfnYamlError';
  constructor(
    message: string,
    /** 1-based line of the first problem, when the parser knows it. */
    readonly line?: number,
  ) {
    super(message);
  }
}

// Identity resolvers: the tag stays on the node (`node.tag`) and `toCfn` interprets it.
const customTags: Tags = CFN_SHORT_TAGS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: Node) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: Node) => value },
]);

const KNOWN = new Set<string>(CFN_SHORT_TAGS);

/**
 * Parses CloudFormation YAML (short-form tags included) into plain JSON-compatible data, with every
 * intrinsic function in its long form. Throws `CfnYamlError` on invalid YAML or an unknown `!Tag`.
 */
export function parseCfnYaml(text: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { customTags, uniqueKeys: true, lineCounter: lines });
  const problem = doc.errors[0];
  if (problem) {
    throw new CfnYamlError(`invalid template YAML: ${firstLine(problem.message)}`, problem.linePos?.[0]?.line);
  }
  return toCfn(doc.contents, { doc, lines });
}

interface Source {
  readonly doc: Document;
  readonly lines: LineCounter;
}

function toCfn(node: unknown, src: Source): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toCfn(node.resolve(src.doc), src);
  const value = plain(node, src);
  const tag = (node as { tag?: string }).tag;
  if (!tag?.startsWith('!')) return value;
  const name = tag.slice(1);
  if (!KNOWN.has(name)) throw new CfnYamlError(`unknown CloudFormation tag ${tag}`, lineOf(node, src));
  return longForm(name, value);
}

function plain(node: unknown, src: Source): unknown {
  if (isScalar(node)) return node.value ?? null;
  if (isSeq(node)) return node.items.map((item) => toCfn(item, src));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = toCfn(pair.key, src);
      out[String(key)] = toCfn(pair.value, src);
    }
    return out;
  }
  return node;
}

function longForm(name: string, value: unknown): Record<string, unknown> {
  switch (name) {
    case 'Ref':
    case 'Condition':
      return { [name]: value };
    case 'GetAtt':
      // `!GetAtt Res.Attr.Sub` names resource `Res` and attribute `Attr.Sub`: only the first dot separates.
      if (typeof value === 'string') {
        const dot = value.indexOf('.');
        return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { 'Fn::GetAtt': value };
    case 'Transform':
      return { 'Fn::Transform': value };
    default:
      return { [`Fn::${name}`]: value };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function lineOf(node: unknown, src: Source): number | undefined {
  const range = (node as { range?: [number, number, number] }).range;
  return range ? src.lines.linePos(range[0]).line : undefined;
}
