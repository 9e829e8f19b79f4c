/**
 * `deploy --mfa` on a stack that exists, against the fake CloudFormation: off → optional is an in-place update of
 * the pool (same physical id, users kept) with a note on what users without a factor see; optional → required is
 * refused before any change set, because Cognito would refuse it ("Cannot turn MFA functionality ON, once the user
 * pool has been created.", cloudformation-coverage-roadmap #1176); a new stack may be created with MFA required.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { deployWorld } from './helpers.js';

describe('deploy --mfa on an existing stack', () => {
  it('switches off → optional in place, says what it means for users, and refuses → required with the way out', async () => {
    const w = await deployWorld({ usersPerPool: 2 });
    try {
      expect((await w.deploy()).code).toBe(0);
      const pool = w.aws.cfn.get('authstack')!.resources.get('UserPool')!.physicalId;

      const optional = await w.deploy(['--mfa', 'optional']);
      expect(optional.code, optional.stderr).toBe(0);
      expect(optional.stderr).toContain('users without an authenticator app sign in as before');
      expect(optional.stderr).toMatch(/Modify\s+UserPool\b/);
      const after = w.aws.cfn.get('authstack')!.resources.get('UserPool')!;
      expect(after.physicalId).toBe(pool);
      expect(JSON.parse(after.raw).Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
      expect(w.aws.pools.get(pool)?.users).toBe(2);

      const required = await w.deploy(['--mfa', 'required']);
      expect(required.code).toBe(3);
      expect(required.stderr).toContain('Cannot turn MFA functionality ON, once the user pool has been created.');
      expect(required.stderr).toContain('--mfa optional');
      expect(JSON.parse(w.aws.cfn.get('authstack')!.resources.get('UserPool')!.raw).Properties.MfaConfiguration).toBe('OPTIONAL');
    } finally {
      await w.cleanup();
    }
  });

  it('takes "mfa" from authstack.config.json, and a new stack may start with MFA required', async () => {
    const w = await deployWorld();
    try {
      await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ mfa: 'required' }));
      const r = await w.deploy();
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(w.aws.cfn.get('authstack')!.resources.get('UserPool')!.raw).Properties.MfaConfiguration).toBe('ON');
    } finally {
      await w.cleanup();
    }
  });

  it('names the key of a wrong "mfa" value in the configuration, and the flag of a wrong --mfa', async () => {
    const w = await deployWorld();
    try {
      await writeFile(join(w.dir, 'authstack.config.json'), JSON.stringify({ mfa: 'yes' }));
      const r = await w.deploy();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"mfa" must be one of off, optional, required, got "yes"');
      expect(JSON.parse(await readFile(join(w.dir, 'authstack.config.json'), 'utf8'))).toEqual({ mfa: 'yes' });
      await writeFile(join(w.dir, 'authstack.config.json'), '{}');
      const flag = await w.deploy(['--mfa', 'always']);
      expect(flag.code).toBe(2);
      expect(flag.stderr).toContain('--mfa must be one of off, optional, required, got "always".');
    } finally {
      await w.cleanup();
    }
  });
});
