import type { ChalkInstance } from 'chalk';
import { defineCommand } from '../core/command.js';
import { callApi, expectOk } from '../client/api.js';
import { freshSession } from '../client/auth.js';
import { resolveTarget } from '../client/target.js';
import { targetFlags } from './target-flags.js';
import type { ProfileResult } from './results.js';
import { isRecord } from '../core/files.js';

export default defineCommand({
  name: 'profile',
  description: "show the signed-in user's profile (GET /user/profile with the saved token)",
  options: targetFlags,
  examples: ['authstack profile', 'authstack profile --json'],
  async run({ options }, ctx) {
    const target = await resolveTarget(ctx, options, { api: true, cognito: true });
    let { session, refreshed } = await freshSession(ctx, target);
    let res = await callApi(ctx, target, { method: 'GET', path: '/user/profile', token: session.accessToken });
    // The clock may disagree with Cognito's: a 401 on a token we thought fresh gets one refresh and one retry.
    if (res.status === 401 && !refreshed && session.refreshToken) {
      ({ session } = await freshSession(ctx, target, true));
      res = await callApi(ctx, target, { method: 'GET', path: '/user/profile', token: session.accessToken });
    }
    expectOk(res, 'Reading the profile');
    const profile = res.json as ProfileResult;
    ctx.out.result(profile, (c) => profileText(profile, c));
  },
});

/** The profile for people: the email with the sub beside it first, then Cognito's username (a UUID) and the rest. */
export function profileText(profile: ProfileResult, c: ChalkInstance): string {
  const head = `${c.bold(profile.email ?? profile.username)}${profile.sub ? c.dim(`  (sub ${profile.sub})`) : ''}${profile.email_verified ? '' : c.yellow('  email not verified')}`;
  const { email: _email, sub: _sub, email_verified: _verified, ...rest } = profile;
  const rows: Array<[string, unknown]> = Object.entries(rest).flatMap(([k, v]) =>
    k === 'attributes' && isRecord(v) ? Object.entries(v).map(([ak, av]) => [`  ${ak}`, av] as [string, unknown]) : [[k, v] as [string, unknown]],
  );
  // A field with nothing in it (no groups) is left out rather than printed as an empty line.
  const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0));
  const width = Math.max(...shown.map(([k]) => k.length));
  const text = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return [head, ...shown.map(([k, v]) => `${c.bold(k.padEnd(width))}  ${text(v)}`)].join('\n');
}
