/**
 * What a deploy may do to the deployed user pool's MFA setting. CloudFormation updates a pool through Cognito's
 * UpdateUserPool, which refuses to turn MFA on (required) for a pool that exists: "Cannot turn MFA functionality ON,
 * once the user pool has been created." (InvalidParameterException; cloudformation-coverage-roadmap #1176, aws-cdk
 * #21284). The update would fail mid-deploy and roll back, so it is refused before any change set, with the way
 * out. Off ↔ optional, and required → optional or off, are in-place updates (MfaConfiguration and EnabledMfas are
 * "Update requires: No interruption" in the AWS::Cognito::UserPool reference); for those, the note says what
 * happens to the users.
 */
import { UserError } from '../core/errors.js';
import type { MfaConfiguration } from '../core/stack-model.js';
import { LOGICAL_IDS, parseTemplate } from './template.js';

/** The MFA setting a template gives its user pool (none written: OFF, Cognito's default); undefined: not a template. */
export function templateMfa(body: string): MfaConfiguration | undefined {
  let value: unknown;
  try {
    value = parseTemplate(body).Resources[LOGICAL_IDS.userPool]?.Properties?.MfaConfiguration;
  } catch {
    return undefined;
  }
  return value === 'ON' || value === 'OPTIONAL' ? value : 'OFF';
}

const WORDS: Record<MfaConfiguration, string> = { OFF: 'off', OPTIONAL: 'optional', ON: 'required' };

/**
 * The refusal of a change AWS would not apply, or a note on what a change does to users (undefined: no change).
 * `deployed` and `next` are the deployed and the new template text.
 */
export function mfaChange(deployed: string, next: string): { note: string } | undefined {
  const from = templateMfa(deployed);
  const to = templateMfa(next);
  // A deployed template that cannot be read (not ours) is left to CloudFormation.
  if (from === undefined || to === undefined || from === to) return undefined;
  if (to === 'ON') {
    throw new UserError(
      'refused',
      `Cannot make MFA required on the deployed user pool (it is ${WORDS[from]}): Cognito refuses to turn MFA on for an existing pool ("Cannot turn MFA functionality ON, once the user pool has been created."), so the update would fail and roll back.`,
      {
        code: 'MfaChangeRefused',
        hint: 'Deploy with --mfa optional (users who set up an authenticator app are asked for its code: authstack mfa setup), or make a new stack with "mfa": "required" (a new, empty user pool)',
      },
    );
  }
  if (to === 'OPTIONAL') {
    return {
      note:
        from === 'OFF'
          ? 'MFA becomes optional: users without an authenticator app sign in as before and can add one (authstack mfa setup); nobody is locked out.'
          : 'MFA becomes optional: users who set up an authenticator app keep being asked for its code; new users are no longer made to set one up.',
    };
  }
  return { note: 'MFA is turned off: nobody is asked for an authenticator app code any more; users keep their app set up, unused.' };
}
