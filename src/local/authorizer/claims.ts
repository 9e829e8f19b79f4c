/**
 * A token's claims as API Gateway's Cognito authorizer hands them to a REST API's function: every value a string.
 * From the developer guide's sample of `requestContext.authorizer.claims`: `email_verified` is "true", `auth_time`
 * stays its number as text, while `exp` and `iat` become dates in Java's `Date.toString()` form in UTC
 * ("Thu Jul 13 15:16:40 UTC 2017"). A list (`cognito:groups`) is its values joined by commas; an object is its JSON.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE_CLAIMS = new Set(['exp', 'iat']);

/** Seconds since the epoch as Java's `Date.toString()` prints them in UTC. */
function javaUtcDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export function flattenClaims(payload: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    if (DATE_CLAIMS.has(name) && typeof value === 'number') out[name] = javaUtcDate(value);
    else if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(String).join(',');
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}
