import type { OptionSpecs } from '../core/command.js';
import { httpUrl, redirectUrls } from '../core/parse.js';

/**
 * Flags that point the auth commands at a stack without a recorded target (each has an environment variable
 * too). Declared here, with the commands: the client layer takes the plain values (`TargetOverrides`).
 */
export const targetFlags = {
  apiUrl: { type: 'value', placeholder: 'url', description: 'API base URL (env AUTHSTACK_API_URL; default: the recorded target)', parse: httpUrl('--api-url') },
  userPoolId: { type: 'value', placeholder: 'id', description: 'Cognito user pool id (env AUTHSTACK_USER_POOL_ID)' },
  userPoolClientId: { type: 'value', placeholder: 'id', description: 'Cognito app client id (env AUTHSTACK_USER_POOL_CLIENT_ID)' },
  cognitoEndpoint: {
    type: 'value',
    placeholder: 'url',
    description: 'Cognito endpoint override (env AUTHSTACK_COGNITO_ENDPOINT)',
    parse: httpUrl('--cognito-endpoint'),
  },
} as const satisfies OptionSpecs;

/** How the auth commands that send a password take it. */
export const passwordFlags = {
  passwordStdin: { type: 'switch', description: 'read the password from standard input (for scripts)' },
  password: { type: 'value', placeholder: 'password', description: 'the password (visible in ps and shell history: prefer --password-stdin)' },
} as const satisfies OptionSpecs;

/**
 * The hosted sign-in's redirect URLs: deploy sends them as the template's parameters, dev gives them to the local
 * app client. The same rules and the same default either way.
 */
export const redirectUrlFlags = {
  callbackUrl: {
    type: 'value',
    placeholder: 'url',
    description: 'where the hosted sign-in may redirect with a code (repeatable, exact; default: the loopback URL login --browser uses)',
    parse: redirectUrls('--callback-url'),
  },
  logoutUrl: {
    type: 'value',
    placeholder: 'url',
    description: 'where the hosted sign-in may redirect after sign-out (repeatable, exact; default: the loopback URL login --browser uses)',
    parse: redirectUrls('--logout-url'),
  },
} as const satisfies OptionSpecs;
