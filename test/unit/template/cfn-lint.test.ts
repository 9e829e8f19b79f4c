import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCfnYaml } from '../../../src/deploy/cfn-yaml.js';
import { parseTemplate } from '../../../src/deploy/template.js';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { SAMPLE_ROUTES, generatedTemplate } from '../../helpers/template.js';
import { TRIGGER_NAMES } from '../../../src/core/triggers.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/template-0.1.0.yaml', import.meta.url));

/**
 * cfn-lint, where installed, over the generated template (written to a temporary file) and a deliberately broken
 * copy, and cfn-lint's own decoder over the template, a sample of every short-form tag and the YAML template
 * authstack 0.1.0 shipped (still read by our YAML parser). Loading cfn-lint costs a Python process ~2 s of
 * CPU, so one `python3` process does both, started before the tests: it decodes the texts, then runs
 * cfn-lint's own command line over both files. Where `python3` has no cfnlint module (cfn-lint installed for
 * another Python), the `cfn-lint` command lints alone. Without cfn-lint the tests are skipped with the reason as
 * their note, listed in the run's summary (test/helpers/skip-notes-reporter.ts); schema.test.ts and
 * references.test.ts still check the same template.
 */

interface LintMatch {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number } };
}

interface Run {
  /** Undefined when the program could not be started at all. */
  status: number | null | undefined;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', (err) => resolve({ status: undefined, stdout, stderr: err.message }));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** 127: a shell or a pyenv shim found no such command (cfn-lint installed for another Python only). */
const missing = (r: Run) => r.status === undefined || r.status === 127;
const NO_CFN_LINT = 'cfn-lint is not installed here (pip install cfn-lint); the template was not linted';

const SHORT_FORMS = [
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

/** Every rule: errors and warnings, informational rules (I) and the experimental ones too. */
const LINT_OPTIONS = ['--format', 'json', '--include-checks', 'I', '--include-experimental'];

/**
 * Reads `[texts, files]` as JSON on stdin; decodes each text with cfn-lint's decoder, then runs cfn-lint's command
 * line (`cfn-lint <LINT_OPTIONS> -- files…`) in the same process. Prints `{ decoded, status, report }` as JSON, or
 * exits 127 when this Python has no cfnlint module.
 */
const DECODE_AND_LINT = [
  'import contextlib, io, json, sys',
  `LINT_OPTIONS = ${JSON.stringify(LINT_OPTIONS)}`,
  'try:',
  '    from cfnlint.decode import decode_str',
  '    from cfnlint.runner import main as lint',
  'except ImportError as error:',
  '    print(error, file=sys.stderr)',
  '    sys.exit(127)',
  'texts, files = json.load(sys.stdin)',
  'decoded = []',
  'for text in texts:',
  '    template, matches = decode_str(text)',
  '    assert not matches, matches',
  '    decoded.append(template)',
  'report = io.StringIO()',
  "sys.argv = ['cfn-lint', *LINT_OPTIONS, '--', *files]",
  'with contextlib.redirect_stdout(report):',
  '    try:',
  '        status = lint()',
  '    except SystemExit as exit:',
  '        status = exit.code',
  "print(json.dumps({'decoded': decoded, 'status': status, 'report': report.getvalue()}))",
].join('\n');

let body: string;
let legacy: string;
let dir: string;
let templateFile: string;
let brokenFile: string;
/** The template with MFA optional (TOTP). */
let mfaOptionalFile: string;
/**
 * The template with every optional part on at once (cfn-lint's start and each template cost ~1 s of CPU, so one
 * template holds them all): MFA required, the project's routes (public, signed-in, scope and group ones: authorizer,
 * methods, preflights, gateway responses, resource servers), pictures (bucket, CDN, processing function) and every
 * Cognito trigger (functions, permissions, LambdaConfig, V2 pre token generation).
 */
let everythingFile: string;
/** The shared process's run: decoded texts and cfn-lint's report, or a failure to start (no cfnlint module). */
let both: Run;
/** What cfn-lint printed: from the shared process, else from the `cfn-lint` command. */
let linted: Run;
let NO_DECODER = true;
let NO_LINT = true;

// In a hook, not at collection: its seconds then count in the file's recorded duration, which vitest uses to start
// the slowest files first on the next run.
beforeAll(async () => {
  ({ body } = generatedTemplate());
  legacy = await readFile(FIXTURE, 'utf8');
  dir = await mkdtemp(path.join(tmpdir(), 'authstack-lint-'));
  templateFile = path.join(dir, 'authstack.json');
  brokenFile = path.join(dir, 'broken.json');
  await writeFile(templateFile, body);
  mfaOptionalFile = path.join(dir, 'mfa-optional.json');
  await writeFile(mfaOptionalFile, generatedTemplate(buildStackModel({ mfa: 'optional' })).body);
  everythingFile = path.join(dir, 'everything.json');
  const triggers = Object.fromEntries(TRIGGER_NAMES.map((name) => [name, `auth/${name}.ts#handler`]));
  await writeFile(everythingFile, generatedTemplate(buildStackModel({ ...SAMPLE_ROUTES, mfa: 'required', pictures: true, triggers })).body);
  await writeFile(
    brokenFile,
    body.replace('"Runtime": "nodejs24.x"', '"Runtime": "nodejs99.x"').replaceAll('"Ref": "FunctionLogGroup"', '"Ref": "NoSuchLogGroup"'),
  );
  both = await run(
    'python3',
    ['-c', DECODE_AND_LINT],
    JSON.stringify([
      [body, SHORT_FORMS, legacy],
      [templateFile, brokenFile, mfaOptionalFile, everythingFile],
    ]),
  );
  NO_DECODER = missing(both);
  linted = NO_DECODER ? await run('cfn-lint', [...LINT_OPTIONS, '--', templateFile, brokenFile, mfaOptionalFile, everythingFile]) : fromSharedProcess(both);
  NO_LINT = missing(linted);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function fromSharedProcess(r: Run): Run {
  if (r.status !== 0) return r;
  const { status, report } = JSON.parse(r.stdout) as { status: number | null; report: string };
  return { status, stdout: report, stderr: r.stderr };
}

/** The matches for one file. Exit codes are a bit mask of the levels found; only output that is not JSON means cfn-lint failed. */
function matchesFor(file: string): LintMatch[] {
  let all: LintMatch[];
  try {
    all = JSON.parse(linted.stdout || '[]') as LintMatch[];
  } catch {
    throw new Error(`cfn-lint failed (exit ${String(linted.status)}): ${linted.stderr || linted.stdout}`);
  }
  return all.filter((match) => path.resolve(match.Filename) === path.resolve(file));
}

function describeMatches(matches: LintMatch[]): string[] {
  return matches.map((match) => `${match.Level} ${match.Rule.Id} line ${match.Location.Start.LineNumber}: ${match.Message}`);
}

/** The texts as cfn-lint's own decoder reads them, in JSON: [template, short-form sample, 0.1.0 template]. */
function decodedByCfnLint(): [unknown, unknown, unknown] {
  if (both.status !== 0) throw new Error(`cfn-lint decode failed: ${both.stderr}`);
  return (JSON.parse(both.stdout) as { decoded: [unknown, unknown, unknown] }).decoded;
}

describe('cfn-lint', () => {
  it('reports no error, no warning and no informational match on the generated template', (ctx) => {
    ctx.skip(NO_LINT, NO_CFN_LINT);
    expect(describeMatches(matchesFor(templateFile))).toEqual([]);
  });

  it('reports nothing on the template with MFA optional (TOTP, no SMS configuration)', (ctx) => {
    ctx.skip(NO_LINT, NO_CFN_LINT);
    expect(describeMatches(matchesFor(mfaOptionalFile))).toEqual([]);
  });

  it("reports nothing on the template with every optional part on: MFA required, the project's routes, pictures and every trigger (circular dependencies included)", (ctx) => {
    ctx.skip(NO_LINT, NO_CFN_LINT);
    const text = readFileSync(everythingFile, 'utf8');
    // The parts are all there, so a clean report covers each of them.
    for (const type of ['AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::GatewayResponse', 'AWS::CloudFront::Distribution', 'AWS::Lambda::Permission'])
      expect(text).toContain(type);
    expect(text).toContain('"MfaConfiguration": "ON"');
    expect(text).toContain('"PreTokenGenerationConfig"');
    expect(describeMatches(matchesFor(everythingFile))).toEqual([]);
  });

  it('would report a broken template, so a clean run means something', (ctx) => {
    ctx.skip(NO_LINT, NO_CFN_LINT);
    expect(body).toContain('"Runtime": "nodejs24.x"');
    expect(body).toContain('"Ref": "FunctionLogGroup"');
    const errors = matchesFor(brokenFile).filter((match) => match.Level === 'Error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.map((match) => match.Message).join('\n')).toMatch(/nodejs99\.x/);
    expect(errors.map((match) => match.Message).join('\n')).toMatch(/NoSuchLogGroup/);
  });

  it('reads the generated template exactly as our parser does', (ctx) => {
    ctx.skip(NO_DECODER, NO_CFN_LINT);
    expect(parseTemplate(body)).toEqual(decodedByCfnLint()[0]);
  });

  it('reads the YAML template authstack 0.1.0 deployed exactly as our parser does', (ctx) => {
    ctx.skip(NO_DECODER, NO_CFN_LINT);
    expect(parseCfnYaml(legacy)).toEqual(decodedByCfnLint()[2]);
  });

  it('reads every short-form tag exactly as our parser does', (ctx) => {
    ctx.skip(NO_DECODER, NO_CFN_LINT);
    expect(parseCfnYaml(SHORT_FORMS)).toEqual(decodedByCfnLint()[1]);
  });
});
