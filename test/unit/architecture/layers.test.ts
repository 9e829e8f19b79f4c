import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise, type ICruiseOptions, type IReporterOutput } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as ICruiseOptions & { forbidden: unknown[]; options: ICruiseOptions };

async function violations(cwd: string, tsConfig?: string): Promise<string[]> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const options: ICruiseOptions = {
      ...config.options,
      tsConfig: tsConfig ? { fileName: tsConfig } : undefined,
      ruleSet: { forbidden: config.forbidden } as ICruiseOptions['ruleSet'],
      validate: true,
    };
    const result: IReporterOutput = await cruise(['src'], options);
    const output = result.output as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(previous);
  }
}

describe('layering (ARCHITECTURE.md, enforced by .dependency-cruiser.cjs)', () => {
  const scratch: string[] = [];
  afterAll(async () => Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true }))));

  it('holds for every import in src/', async () => {
    expect(await violations(root, 'tsconfig.json')).toEqual([]);
  }, 60_000);

  it('fails on an import against the arrows: core reaching up, a service reaching the CLI, the Lambda reaching out, a cycle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authstack-layers-'));
    scratch.push(dir);
    const files: Record<string, string> = {
      'src/core/errors.ts': "import '../aws/factory.js';\nexport const x = 1;\n",
      'src/aws/factory.ts': 'export const y = 1;\n',
      'src/client/api.ts': "import '../cli/main.js';\nexport const z = 1;\n",
      'src/cli/main.ts': "import '../commands/index.js';\nexport const m = 1;\n",
      'src/commands/index.ts': 'export const c = 1;\n',
      'src/lambda/handler.ts': "import '../core/errors.js';\nexport const h = 1;\n",
      'src/local/a.ts': "import './b.js';\nexport const a = 1;\n",
      'src/local/b.ts': "import './a.js';\nexport const b = 1;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const found = await violations(dir, 'tsconfig.json');
    expect(found).toEqual(
      expect.arrayContaining([
        'core-imports-only-itself: src/core/errors.ts → src/aws/factory.ts',
        'client-imports-only-core-aws: src/client/api.ts → src/cli/main.ts',
        'lambda-is-self-contained: src/lambda/handler.ts → src/core/errors.ts',
        expect.stringMatching(/^no-cycles: src\/local\/[ab]\.ts → src\/local\/[ab]\.ts$/),
      ]),
    );
  }, 60_000);
});
