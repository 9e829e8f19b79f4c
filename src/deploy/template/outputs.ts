/** The stack's outputs: what `outputs`, `status`, deploy's target record and front ends read. */
import type { StackModel, StackOutputName } from '../../core/stack-model.js';
import { LOGICAL_IDS, PARAMETERS as P, type CfnOutput } from '../template.js';
import { ref, select, split, sub } from './intrinsics.js';

export function outputs(model: StackModel): Record<string, CfnOutput> {
  const domain = 'https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com';
  const scope = model.client.oauthScopes.join('+');
  const all: Record<StackOutputName, CfnOutput> = {
    ApiUrl: {
      Description: "The API's execute-api stage URL.",
      Value: sub(`https://\${${LOGICAL_IDS.api}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/\${${LOGICAL_IDS.stage}}/`),
    },
    CustomDomainUrl: { Condition: 'HasDomain', Description: 'The API on its custom domain.', Value: sub(`https://\${${P.domainName}}/`) },
    UserPoolId: { Description: 'Cognito user pool id.', Value: ref(LOGICAL_IDS.userPool) },
    UserPoolClientId: { Description: 'Cognito app client id (no secret).', Value: ref(LOGICAL_IDS.userPoolClient) },
    SignInUrl: {
      Description: 'The hosted sign-in page for the app client, redirecting to the first callback URL.',
      Value: sub(`${domain}/login?client_id=\${${LOGICAL_IDS.userPoolClient}}&response_type=code&scope=${scope}&redirect_uri=\${Callback}`, {
        Callback: select(0, split(',', ref(P.callbackUrls))),
      }),
    },
    AuthDomainUrl: { Description: 'The user pool domain that serves the hosted sign-in and the OAuth 2.0 endpoints.', Value: sub(domain) },
    OidcIssuer: {
      Description: "The OpenID Connect issuer of the pool's tokens (discovery at /.well-known/openid-configuration).",
      Value: sub(`https://\${${LOGICAL_IDS.userPool}.ProviderURL}`),
    },
    CallbackUrls: { Description: 'Where the hosted sign-in may redirect with a code (comma-separated).', Value: ref(P.callbackUrls) },
    LogoutUrls: { Description: 'Where the hosted sign-in may redirect after signing out (comma-separated).', Value: ref(P.logoutUrls) },
    Region: { Description: 'Region the stack lives in.', Value: ref('AWS::Region') },
    FunctionName: { Description: "Name of the API's Lambda function.", Value: ref(LOGICAL_IDS.function) },
    LogGroupName: { Description: 'CloudWatch Logs group of the function.', Value: ref(LOGICAL_IDS.logGroup) },
  };
  return Object.fromEntries(model.outputs.map((name) => [name, all[name]]));
}
