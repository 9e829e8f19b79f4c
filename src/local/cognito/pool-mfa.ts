/**
 * The local pool's MFA setting, kept as the configuration says (`mfa`, `dev --mfa`) on a new pool and on one a data
 * folder already holds. Cognito's own restrictions on changing it apply to a deployed pool, where deploy checks them;
 * the local pool follows the setting at every start. TOTP is the one factor: on whenever MFA is not OFF.
 */
import type { CognitoLocalContext, Route } from '../cognito-local-modules.js';

export async function syncPoolMfa(
  route: (target: string) => Route,
  ctx: CognitoLocalContext,
  userPoolId: string,
  current: Record<string, unknown>,
  wanted: string | undefined,
): Promise<void> {
  const MfaConfiguration = wanted === 'ON' || wanted === 'OPTIONAL' ? wanted : 'OFF';
  const SoftwareTokenMfaConfiguration = { Enabled: MfaConfiguration !== 'OFF' };
  const same =
    (current.MfaConfiguration ?? 'OFF') === MfaConfiguration &&
    JSON.stringify(current.SoftwareTokenMfaConfiguration ?? { Enabled: false }) === JSON.stringify(SoftwareTokenMfaConfiguration);
  if (!same) await route('SetUserPoolMfaConfig')(ctx, { UserPoolId: userPoolId, MfaConfiguration, SoftwareTokenMfaConfiguration });
}
