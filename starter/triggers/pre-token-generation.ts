// Pre token generation (event version V2_0): runs on every token issue (sign-in, refresh, the hosted sign-in) and
// may add claims to the ID and access tokens, suppress some, change the access token's scopes and the groups.
// Cognito keeps sub, iss, aud, exp, iat, auth_time, token_use, cognito:username and the like as it wrote them.
import type { PreTokenGenerationV2Event } from 'authstack';

export const handler = async (event: PreTokenGenerationV2Event): Promise<PreTokenGenerationV2Event> => {
  const tenant = event.request.userAttributes['custom:tenant'] ?? 'default';
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { tenant } },
      accessTokenGeneration: { claimsToAddOrOverride: { tenant } },
    },
  };
  return event;
};
