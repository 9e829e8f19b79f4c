import type { RouteHandler } from '../route.js';

/** Replaced at bundle time by esbuild's `define`; absent when running from source. */
declare const __AUTHSTACK_VERSION__: string | undefined;

const VERSION = typeof __AUTHSTACK_VERSION__ === 'string' ? __AUTHSTACK_VERSION__ : 'dev';

/** Liveness only: needs no configuration and loads nothing, so it answers even on a misconfigured function. */
export const health: RouteHandler = async () => ({ status: 200, body: { status: 'healthy', version: VERSION } });
