// Replaced at build time by esbuild's `define`; under vitest the source runs unbundled and reads package.json.
declare const __AUTHSTACK_VERSION__: string | undefined;

export const VERSION: string = typeof __AUTHSTACK_VERSION__ === 'string' ? __AUTHSTACK_VERSION__ : '0.0.0-dev';
