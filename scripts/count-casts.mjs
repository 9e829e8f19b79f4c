// Counts the type casts in src/ (`x as T` other than `as const`, `<T>x`, and non-null assertions `x!`), per file,
// with TypeScript's own parser: the figure issue 22 asks to bring down, kept measurable. `--list` prints each one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const list = process.argv.includes('--list');
const files = [];
(function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
})(join(root, 'src'));

const totals = { as: 0, nonNull: 0 };
for (const file of files.sort()) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    const isConst = ts.isAsExpression(node) && ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(source) === 'const';
    if ((ts.isAsExpression(node) && !isConst) || ts.isTypeAssertionExpression(node)) found.push(['as', node]);
    else if (ts.isNonNullExpression(node)) found.push(['nonNull', node]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const [kind, node] of found) {
    totals[kind] += 1;
    if (list) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      console.log(`${relative(root, file)}:${line + 1}: ${node.getText(source).replace(/\s+/g, ' ').slice(0, 100)}`);
    }
  }
}
console.log(`casts in src/: ${totals.as} \`as\`, ${totals.nonNull} non-null \`!\` (${files.length} files)`);
