import { NotFoundError } from './errors.js';
import type { RouteHandler } from './route.js';
import { health } from './routes/health.js';
import { deletePicture, postPicture } from './routes/picture.js';
import { getProfile, postProfile } from './routes/profile.js';
import { resend } from './routes/resend.js';
import { signup } from './routes/signup.js';
import { validate } from './routes/validate.js';

/** Path → method → handler. Paths are matched exactly: nothing else (traversal, odd encodings) can reach a route. */
const ROUTES: ReadonlyMap<string, Readonly<Record<string, RouteHandler>>> = new Map<string, Record<string, RouteHandler>>([
  ['/app/health', { GET: health }],
  ['/user', { POST: signup }],
  ['/user/validate', { POST: validate }],
  ['/user/validate/resend', { POST: resend }],
  ['/user/profile', { GET: getProfile, POST: postProfile }],
]);

/** Routes that exist only when the stack has the part on; otherwise their paths are 404s like any unknown path. */
const PICTURE_ROUTES: ReadonlyMap<string, Readonly<Record<string, RouteHandler>>> = new Map([['/user/picture', { POST: postPicture, DELETE: deletePicture }]]);

const MAX_PATH = 2048;

/** One trailing slash is tolerated (`/user/` is `/user`); anything else must match a route exactly. */
function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export interface RouteMatch {
  /** Methods the path accepts, OPTIONS included, for `Allow`. */
  readonly allow: readonly string[];
  /** The handler for the request's method, or undefined when the method is not allowed. */
  readonly handler: RouteHandler | undefined;
}

/** Finds the route; throws 404 for an unknown path. */
export function match(method: string, path: string, parts: { readonly pictures?: boolean } = {}): RouteMatch {
  const normal = normalisePath(path);
  const methods = path.length <= MAX_PATH ? (ROUTES.get(normal) ?? (parts.pictures ? PICTURE_ROUTES.get(normal) : undefined)) : undefined;
  if (!methods) throw new NotFoundError();
  const allow = [...Object.keys(methods), 'OPTIONS'];
  return { allow, handler: Object.hasOwn(methods, method) ? methods[method] : undefined };
}
