// An app's own back end verifying the access tokens of an authstack user pool with aws-jwt-verify, the same
// code against AWS and against `authstack dev`: only the configuration differs. The variables are the ones
// `authstack outputs --format env --env-prefix ''` writes.
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

export function createAccessTokenVerifier(env: Record<string, string | undefined> = process.env) {
  const userPoolId = env.AUTHSTACK_USER_POOL_ID;
  const clientId = env.AUTHSTACK_USER_POOL_CLIENT_ID;
  if (!userPoolId || !clientId) throw new Error('Set AUTHSTACK_USER_POOL_ID and AUTHSTACK_USER_POOL_CLIENT_ID.');
  // Locally the issuer is the local Cognito's endpoint; on AWS, Cognito's regional one.
  const issuer = env.AUTHSTACK_COGNITO_ENDPOINT
    ? `${env.AUTHSTACK_COGNITO_ENDPOINT}/${userPoolId}`
    : `https://cognito-idp.${env.AUTHSTACK_REGION}.amazonaws.com/${userPoolId}`;
  return JwtVerifier.create(
    {
      issuer, // the JWKS is read from `${issuer}/.well-known/jwks.json`
      audience: null, // access tokens carry client_id, checked below, not aud
      customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'access', clientId }),
    },
    // aws-jwt-verify's own fetcher speaks only https; this one also reads the local stack's http JWKS.
    { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() } }) },
  );
}

// const payload = await createAccessTokenVerifier().verify(accessToken); // throws if the token is not valid
