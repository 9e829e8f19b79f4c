import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCfnYaml } from '../../../src/deploy/cfn-yaml.js';
import { templatePath } from '../../../src/deploy/template.js';

interface LintMatch {
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number } };
}

const cfnLintVersion = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const HAS_CFN_LINT = cfnLintVersion.status === 0;
const HAS_CFNLINT_PYTHON = spawnSync('python3', ['-c', 'import cfnlint.decode'], { encoding: 'utf8' }).status === 0;
const NO_CFN_LINT = 'cfn-lint is not installed here (pip install cfn-lint); the template was not linted';

function lint(file: string): LintMatch[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', timeout: 120_000 });
  // Exit codes are a bit mask of the levels found; only output that is not JSON means cfn-lint itself failed.
  try {
    return JSON.parse(run.stdout || '[]') as LintMatch[];
  } catch {
    throw new Error(`cfn-lint failed (exit ${String(run.status)}): ${run.stderr || run.stdout}`);
  }
}

function describeMatches(matches: LintMatch[]): string[] {
  return matches.map((match) => `${match.Level} ${match.Rule.Id} line ${match.Location.Start.LineNumber}: ${match.Message}`);
}

/** The template as cfn-lint's own YAML decoder reads it, in JSON. */
function decodeWithCfnLint(text: string): unknown {
  const script = 'import sys, json\nfrom cfnlint.decode import decode_str\nt, m = decode_str(sys.stdin.read())\nassert not m, m\nprint(json.dumps(t))';
  const run = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`cfn-lint decode failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

let body: string;

beforeAll(async () => {
  body = await readFile(templatePath(), 'utf8');
});

describe('cfn-lint', () => {
  it(`reports no error and no warning on templates/authstack.yaml${HAS_CFN_LINT ? '' : ' (skipped: cfn-lint not installed)'}`, (context) => {
    if (!HAS_CFN_LINT) context.skip(NO_CFN_LINT);
    expect(describeMatches(lint(templatePath()))).toEqual([]);
  });

  it(`would report a broken template, so a clean run means something${HAS_CFN_LINT ? '' : ' (skipped: cfn-lint not installed)'}`, async (context) => {
    if (!HAS_CFN_LINT) context.skip(NO_CFN_LINT);
    const dir = await mkdtemp(path.join(tmpdir(), 'authstack-lint-'));
    const file = path.join(dir, 'broken.yaml');
    expect(body).toContain('Runtime: nodejs24.x');
    await writeFile(file, body.replace('Runtime: nodejs24.x', 'Runtime: nodejs99.x').replace('!Ref FunctionLogGroup', '!Ref NoSuchLogGroup'));
    const errors = lint(file).filter((match) => match.Level === 'Error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.map((match) => match.Message).join('\n')).toMatch(/nodejs99\.x/);
    expect(errors.map((match) => match.Message).join('\n')).toMatch(/NoSuchLogGroup/);
  });

  it(`reads the template exactly as our parser does${HAS_CFNLINT_PYTHON ? '' : ' (skipped: cfn-lint not installed)'}`, (context) => {
    if (!HAS_CFNLINT_PYTHON) context.skip(NO_CFN_LINT);
    expect(parseCfnYaml(body)).toEqual(decodeWithCfnLint(body));
  });

  it(`reads every short-form tag exactly as our parser does${HAS_CFNLINT_PYTHON ? '' : ' (skipped: cfn-lint not installed)'}`, (context) => {
    if (!HAS_CFNLINT_PYTHON) context.skip(NO_CFN_LINT);
    const sample = [
      'Conditions:',
      '  A: !Equals [!Ref Env, prod]',
      '  B: !Not [!Condition A]',
      '  C: !And [!Condition A, !Or [!Condition B, !Equals ["x", !Ref Env]]]',
      'Outputs:',
      '  O:',
      '    Value: !Join',
      '      - ","',
      '      - - !Select [0, !Split [",", !ImportValue shared]]',
      '        - !Base64 plain',
      '        - !FindInMap [M, !Ref AWS::Region, K]',
      '        - !Select [1, !Cidr [10.0.0.0/16, 4, 8]]',
      '        - !Select [0, !GetAZs ""]',
      '        - !GetAtt R.Nested.Attr',
      '        - !GetAtt [R, Attr]',
      '        - !If [A, !Sub "${AWS::StackName}-x", !Sub ["${V}", { V: !Ref AWS::Region }]]',
    ].join('\n');
    expect(parseCfnYaml(sample)).toEqual(decodeWithCfnLint(sample));
  });
});
