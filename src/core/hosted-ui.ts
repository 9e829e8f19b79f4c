/**
 * The hosted sign-in (OAuth 2.0 / OpenID Connect) settings of the app client, in one place: the template's
 * defaults (through deploy), the local stack's app client and `authstack login --browser` all read them here.
 */

/** The scopes the app client allows, in Cognito's spelling. */
export const OAUTH_SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] as const;

/**
 * The loopback port `authstack login --browser` listens on for the redirect. Cognito matches callback URLs
 * exactly (no port wildcard), so the port is fixed; `http://localhost` is the one plain-HTTP host Cognito accepts.
 */
export const BROWSER_LOGIN_PORT = 47651;

/** The callback URLs an app client gets when none are given: the one `authstack login --browser` listens on. */
export const DEFAULT_CALLBACK_URLS: readonly string[] = [`http://localhost:${BROWSER_LOGIN_PORT}/callback`];

/** The sign-out URLs an app client gets when none are given. */
export const DEFAULT_LOGOUT_URLS: readonly string[] = [`http://localhost:${BROWSER_LOGIN_PORT}/signed-out`];

/** What a target knows of its hosted sign-in: the pool domain's base URL and the client's allowed URLs. */
export interface HostedUi {
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, or the local Cognito's endpoint. */
  domainUrl: string;
  callbackUrls: string[];
  logoutUrls: string[];
  scopes: string[];
}

/** The hosted sign-in page for a client: the authorize endpoint with the first callback URL. */
export function signInUrl(ui: HostedUi, clientId: string): string {
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: ui.scopes.join(' '),
    redirect_uri: ui.callbackUrls[0] ?? '',
  });
  return `${ui.domainUrl}/oauth2/authorize?${query.toString()}`;
}

/**
 * The stack's part of the default user pool domain prefix (the template appends `-<account id>`, which makes it
 * unique; both parts are the same on every deploy): the stack name in lower case, letters, digits and hyphens,
 * at most 50 characters, without the words Cognito refuses in a prefix (`aws`, `amazon`, `cognito`).
 */
export function domainLabel(stackName: string): string {
  const label = stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, 'x')
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 50)
    .replace(/^-+|-+$/g, '');
  return label || 'authstack';
}

/** The rule Cognito applies to a prefix domain, for `--auth-domain-prefix`. */
export function isDomainPrefix(value: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) && !/aws|amazon|cognito/.test(value);
}
