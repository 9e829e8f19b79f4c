/**
 * The local hosted sign-in pages: plain HTML with inline styles (no scripts, no external assets), each form
 * labelled, errors announced (`role="alert"`) and tied to the fields they are about. Every page keeps the
 * authorize request's query string, as Cognito's do, so the flow can continue where it started.
 */

export interface PageOptions {
  /** The authorize request's query string (without `?`), carried to every form and link. */
  query: string;
  csrf: string;
  error?: string;
  notice?: string;
  /** Pre-filled email. */
  username?: string;
  /** The session of the challenge a form answers (a new password, a TOTP code), carried in a hidden field. */
  session?: string;
  /** A TOTP setup's secret, and its QR code as inline SVG (made by the qrcode library, not from user input). */
  secret?: string;
  qrSvg?: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f4f7;color:#1b1f24}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #d0d5dd;border-radius:.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
p.sub{margin:0 0 1.5rem;color:#475467}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #98a2b3;border-radius:.375rem}
input:focus{outline:3px solid #84adff;outline-offset:1px;border-color:#2e5aac}
button{width:100%;margin-top:1.5rem;padding:.7rem;font:inherit;font-weight:600;color:#fff;background:#2e5aac;border:0;border-radius:.375rem;cursor:pointer}
button:focus{outline:3px solid #84adff;outline-offset:2px}
button.link{background:none;color:#2e5aac;width:auto;padding:0;margin-top:1rem;text-decoration:underline;font-weight:400}
.alert{padding:.75rem;border-radius:.375rem;margin:0 0 1rem}
.error{background:#fef3f2;border:1px solid #fda29b;color:#912018}
.notice{background:#ecfdf3;border:1px solid #75e0a7;color:#05603a}
nav{margin-top:1.5rem;display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
a{color:#2e5aac}
.hint{font-size:.875rem;color:#475467;margin:.25rem 0 0}
footer{max-width:26rem;margin:0 auto;text-align:center;font-size:.8rem;color:#667085}
`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const path = (page: string, query: string): string => escapeHtml(query ? `${page}?${query}` : page);

function layout(title: string, subtitle: string, body: string, opts: PageOptions): string {
  const alert = opts.error
    ? `<div class="alert error" role="alert" id="form-error">${escapeHtml(opts.error)}</div>`
    : opts.notice
      ? `<div class="alert notice" role="status">${escapeHtml(opts.notice)}</div>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · authstack (local)</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(subtitle)}</p>
${alert}
${body}
</main>
<footer>Local user pool of <code>authstack dev</code></footer>
</body>
</html>
`;
}

const described = (opts: PageOptions): string => (opts.error ? ' aria-describedby="form-error" aria-invalid="true"' : '');
const csrfField = (opts: PageOptions): string => `<input type="hidden" name="_csrf" value="${escapeHtml(opts.csrf)}">`;
const emailField = (opts: PageOptions, autofocus = true): string =>
  `<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" required${autofocus ? ' autofocus' : ''} value="${escapeHtml(opts.username ?? '')}"${described(opts)}>`;

export function signInPage(opts: PageOptions): string {
  return layout(
    'Sign in',
    'Sign in with your email and password',
    `<form method="post" action="${path('/login', opts.query)}" novalidate>
${csrfField(opts)}
${emailField(opts)}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described(opts)}>
<button type="submit" name="signInSubmitButton">Sign in</button>
</form>
<nav><a href="${path('/forgotPassword', opts.query)}">Forgot your password?</a><a href="${path('/signup', opts.query)}">Create an account</a></nav>`,
    opts,
  );
}

export function signUpPage(opts: PageOptions & { policy: string }): string {
  return layout(
    'Create an account',
    'We will email you a confirmation code',
    `<form method="post" action="${path('/signup', opts.query)}" novalidate>
${csrfField(opts)}
${emailField(opts)}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint">
<p class="hint" id="password-hint">${escapeHtml(opts.policy)}</p>
<button type="submit">Sign up</button>
</form>
<nav><a href="${path('/login', opts.query)}">Already have an account? Sign in</a></nav>`,
    opts,
  );
}

export function confirmPage(opts: PageOptions): string {
  return layout(
    'Confirm your account',
    'Enter the code we emailed you',
    `<form method="post" action="${path('/confirmUser', opts.query)}" novalidate>
${csrfField(opts)}
${emailField(opts, false)}
<label for="code">Confirmation code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus${described(opts)}>
<button type="submit" name="action" value="confirm">Confirm account</button>
<button type="submit" name="action" value="resend" class="link" formnovalidate>Resend the code</button>
</form>`,
    opts,
  );
}

export function forgotPasswordPage(opts: PageOptions): string {
  return layout(
    'Forgot your password?',
    'We will email you a code to reset it',
    `<form method="post" action="${path('/forgotPassword', opts.query)}" novalidate>
${csrfField(opts)}
${emailField(opts)}
<button type="submit">Send the code</button>
</form>
<nav><a href="${path('/login', opts.query)}">Back to sign in</a></nav>`,
    opts,
  );
}

export function resetPasswordPage(opts: PageOptions & { policy: string }): string {
  return layout(
    'Reset your password',
    'Enter the code we emailed you and a new password',
    `<form method="post" action="${path('/confirmForgotPassword', opts.query)}" novalidate>
${csrfField(opts)}
${emailField(opts, false)}
<label for="code">Code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus${described(opts)}>
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint">
<p class="hint" id="password-hint">${escapeHtml(opts.policy)}</p>
<button type="submit">Change password</button>
</form>`,
    opts,
  );
}

/** The new password an invited user must choose at their first sign-in (Cognito's NEW_PASSWORD_REQUIRED). */
export function newPasswordPage(opts: PageOptions & { policy: string }): string {
  return layout(
    'Change your password',
    'Please enter a new password to continue',
    `<form method="post" action="${path('/forceChangePassword', opts.query)}" novalidate>
${csrfField(opts)}
<input type="hidden" name="username" value="${escapeHtml(opts.username ?? '')}">
<input type="hidden" name="session" value="${escapeHtml(opts.session ?? '')}">
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus aria-describedby="password-hint${opts.error ? ' form-error' : ''}"${opts.error ? ' aria-invalid="true"' : ''}>
<p class="hint" id="password-hint">${escapeHtml(opts.policy)}</p>
<label for="confirm">Enter the new password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit" name="changePasswordSubmitButton">Change password and sign in</button>
</form>`,
    opts,
  );
}

/** Cognito's error page for requests it cannot redirect back (unknown client, redirect URI not allowed). */
export function errorPage(error: string, description: string): string {
  return layout('An error was encountered with the requested page', description, `<p><code>error=${escapeHtml(error)}</code></p>`, { query: '', csrf: '' });
}

const codeField = (opts: PageOptions): string =>
  `<label for="code">Code from your authenticator app</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required autofocus${described(opts)}>`;

const challengeFields = (opts: PageOptions): string =>
  `<input type="hidden" name="username" value="${escapeHtml(opts.username ?? '')}">
<input type="hidden" name="session" value="${escapeHtml(opts.session ?? '')}">`;

/** The second step of a sign-in with TOTP on (Cognito's SOFTWARE_TOKEN_MFA). */
export function mfaCodePage(opts: PageOptions): string {
  return layout(
    'Two-factor sign-in',
    'Enter the 6-digit code your authenticator app shows',
    `<form method="post" action="${path('/mfa', opts.query)}" novalidate>
${csrfField(opts)}
${challengeFields(opts)}
${codeField(opts)}
<button type="submit" name="signInSubmitButton">Sign in</button>
</form>`,
    opts,
  );
}

/** The TOTP setup a pool that requires MFA asks of a user without it (Cognito's MFA_SETUP): QR code, secret, first code. */
export function mfaSetupPage(opts: PageOptions): string {
  const secret = escapeHtml((opts.secret ?? '').replace(/(.{4})(?=.)/g, '$1 '));
  return layout(
    'Set up two-factor sign-in',
    'Scan the QR code with an authenticator app, then enter the code it shows',
    `<figure style="margin:0;text-align:center"><div role="img" aria-label="QR code of the authenticator app secret" style="width:12rem;margin:0 auto">${opts.qrSvg ?? ''}</div>
<figcaption class="hint">Or enter this secret by hand: <code id="secret">${secret}</code></figcaption></figure>
<form method="post" action="${path('/mfaSetup', opts.query)}" novalidate>
${csrfField(opts)}
${challengeFields(opts)}
<input type="hidden" name="secret" value="${escapeHtml(opts.secret ?? '')}">
${codeField(opts)}
<button type="submit">Verify and sign in</button>
</form>`,
    opts,
  );
}
