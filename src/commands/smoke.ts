import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { defineCommand } from '../core/command.js';
import { EXIT, UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/files.js';
import { httpUrl } from '../core/parse.js';
import { junitXml } from '../client/junit.js';
import { protectedRoute, runSmoke, type SmokeStep } from '../client/smoke.js';
import { describeTarget, resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { SmokeResult } from './results.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), httpUrl('--url')(value)];

export default defineCommand({
  name: 'smoke',
  description: 'an authenticated end-to-end check of the target in one command (for CI)',
  options: {
    email: {
      type: 'value',
      placeholder: 'template',
      description: "address for the test user; {id} becomes a unique id (required against AWS: 'you+{id}@example.com')",
    },
    url: {
      type: 'value',
      placeholder: 'url',
      description: 'API base URL to check; repeat to check a custom domain and the execute-api URL both',
      parse: collect,
    },
    junit: { type: 'value', placeholder: 'file', description: 'write a JUnit XML report for CI' },
    ...targetFlags,
  },
  examples: ['authstack smoke', "authstack smoke --email 'ci+{id}@example.com' --junit smoke.xml", 'authstack smoke --json'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { api: true, cognito: true });
    const urls = options.url?.length ? options.url : [target.apiUrl, ...(target.customDomainUrl ? [target.customDomainUrl.replace(/\/+$/, '')] : [])];
    const c = ctx.out.c;
    if (!ctx.out.json) ctx.out.info(`Smoke testing ${describeTarget(target)}`);
    const print = (s: SmokeStep) => {
      if (!ctx.out.json) ctx.out.info(smokeRow(s, c));
    };
    const mailboxDir = target.kind === 'local' ? target.localDataDir : undefined;
    const readCode = mailboxDir ? async (email: string) => (await import('../local/mailbox.js')).readLatestCode(mailboxDir, email) : undefined;
    // The project's own signed-in route, if it declares one: smoke checks the authorizer in front of it too.
    const { model } = await ctx.project();
    const report: SmokeResult = await runSmoke(ctx, target, { email: options.email, urls, readCode, protectedRoute: protectedRoute(model.routes) }, print);
    if (options.junit) await writeFileAtomic(resolve(ctx.cwd, options.junit), junitXml(report));
    const passed = report.steps.filter((s) => s.status === 'passed').length;
    ctx.out.result(report, (cc) => (report.ok ? `${cc.green('✔')} smoke passed: ${passed} checks in ${report.totalMs} ms` : ''));
    if (!report.ok) {
      const step = report.steps.find((s) => s.name === report.failedStep);
      const reason = (step?.message ?? 'failed').replace(/[.!?]$/, '');
      throw new UserError('api', `Smoke failed at step "${report.failedStep}": ${reason}.`, { code: 'SmokeFailed' });
    }
    return EXIT.ok;
  },
});

/** Widths of the name and time columns: every row, skipped ones included, puts its message in the same column. */
const NAME_WIDTH = 42;
const TIME_WIDTH = 8;

/** One step of the smoke run as a row: mark, name, time (blank for a skipped step), and why it failed or was skipped. */
export function smokeRow(s: SmokeStep, c: ChalkInstance): string {
  const mark = s.status === 'passed' ? c.green('✔') : s.status === 'failed' ? c.red('✘') : c.dim('-');
  const time = (s.status === 'skipped' ? '' : `${s.ms} ms`).padEnd(TIME_WIDTH);
  const why = s.message && s.status !== 'passed' ? `  ${s.status === 'failed' ? c.red(s.message) : c.dim(s.message)}` : '';
  return `  ${mark} ${s.name.padEnd(NAME_WIDTH)} ${c.dim(time)}${why}`.trimEnd();
}
