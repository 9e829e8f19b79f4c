/**
 * The pool's MFA setting in the template (`mfa`: off, optional, required): schema-valid under every setting, TOTP
 * as the factor, and what a switch does to a deployed stack: an in-place update of the pool (MfaConfiguration and
 * EnabledMfas are not createOnlyProperties of AWS::Cognito::UserPool: no replacement), except turning MFA on for a
 * pool that exists, which Cognito refuses ("Cannot turn MFA functionality ON, once the user pool has been
 * created.", cloudformation-coverage-roadmap #1176) and deploy therefore refuses first, with the way out.
 */
import { describe, expect, it } from 'vitest';

import { UserError } from '../../../src/core/errors.js';
import { buildStackModel, type MfaSetting } from '../../../src/core/stack-model.js';
import { mfaChange, templateMfa } from '../../../src/deploy/mfa-change.js';
import { loadResourceSchemas, PropertiesValidator, validateTemplateProperties } from '../../helpers/cfn-schema.js';
import { generatedTemplate } from '../../helpers/template.js';

const SETTINGS: readonly MfaSetting[] = ['off', 'optional', 'required'];
const bodyFor = (mfa: MfaSetting) => generatedTemplate(buildStackModel({ mfa })).body;
const poolOf = (mfa: MfaSetting) => generatedTemplate(buildStackModel({ mfa })).template.Resources.UserPool!;

describe('the user pool with each MFA setting', () => {
  it('off writes no MFA property (the template deployed so far is unchanged); optional and required set TOTP as the factor', () => {
    expect(poolOf('off').Properties).not.toHaveProperty('MfaConfiguration');
    expect(poolOf('off').Properties).not.toHaveProperty('EnabledMfas');
    expect(poolOf('optional').Properties).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(poolOf('required').Properties).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    // No SMS: no role, no configuration (SMS would cost per message and needs a sandbox exit).
    expect(poolOf('required').Properties).not.toHaveProperty('SmsConfiguration');
  });

  it('is valid against the CloudFormation resource schema under every setting', () => {
    const validator = new PropertiesValidator(loadResourceSchemas());
    for (const mfa of SETTINGS) expect(validateTemplateProperties(generatedTemplate(buildStackModel({ mfa })).template, validator), mfa).toEqual([]);
  });

  it('switching the setting changes only the pool, and no property of it that requires replacement', () => {
    const schema = loadResourceSchemas().get('AWS::Cognito::UserPool')!;
    const createOnly = (schema.createOnlyProperties as string[] | undefined) ?? [];
    expect(createOnly.some((p) => /MfaConfiguration|EnabledMfas/.test(p))).toBe(false);
    for (const from of SETTINGS) {
      for (const to of SETTINGS) {
        const a = generatedTemplate(buildStackModel({ mfa: from })).template;
        const b = generatedTemplate(buildStackModel({ mfa: to })).template;
        const differing = Object.keys(a.Resources).filter((id) => JSON.stringify(a.Resources[id]) !== JSON.stringify(b.Resources[id]));
        expect(differing, `${from} → ${to}`).toEqual(from === to ? [] : ['UserPool']);
        const { MfaConfiguration: _a, EnabledMfas: _b, ...restA } = a.Resources.UserPool!.Properties!;
        const { MfaConfiguration: _c, EnabledMfas: _d, ...restB } = b.Resources.UserPool!.Properties!;
        expect(restB).toEqual(restA);
        expect(b.Resources.UserPool!.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });
});

describe('deploy on a stack with a pool: what a change of the setting does', () => {
  it('reads the setting a deployed template gives its pool (none written: off)', () => {
    expect(SETTINGS.map((mfa) => templateMfa(bodyFor(mfa)))).toEqual(['OFF', 'OPTIONAL', 'ON']);
  });

  it('refuses to make MFA required on a deployed pool, with the reason and the way out', () => {
    for (const from of ['off', 'optional'] as const) {
      let error: unknown;
      try {
        mfaChange(bodyFor(from), bodyFor('required'));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).kind).toBe('refused');
      expect((error as UserError).message).toContain('Cannot turn MFA functionality ON, once the user pool has been created.');
      expect((error as UserError).hint).toContain('--mfa optional');
    }
  });

  it('says what happens to users without a factor when MFA becomes optional, or is turned off; nothing when unchanged', () => {
    expect(mfaChange(bodyFor('off'), bodyFor('optional'))?.note).toMatch(/without an authenticator app sign in as before/);
    expect(mfaChange(bodyFor('required'), bodyFor('optional'))?.note).toMatch(/no longer made to set one up/);
    expect(mfaChange(bodyFor('optional'), bodyFor('off'))?.note).toMatch(/nobody is asked/);
    expect(mfaChange(bodyFor('required'), bodyFor('required'))).toBeUndefined();
  });
});
