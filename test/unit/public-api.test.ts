/**
 * The package's public face: the hand-written index.d.ts declares the same configuration and handler types as
 * the source (checked by the type checker in both directions), the JSON Schema a config's `$schema` points at
 * takes what the config check takes and refuses what it refuses, and package.json exports both.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type * as Shipped from '../../index.js';
import { defineConfig, type AuthstackConfig, type RouteEvent, type RouteHandler } from '../../src/index.js';
import { checkProjectConfig } from '../../src/core/project-config.js';
import type { UserHandler } from '../../src/runtime/user-handler.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameConfig: Same<Required<Shipped.AuthstackConfig>['routes'], Required<AuthstackConfig>['routes']> = true;
const sameTriggers: Same<Required<Shipped.AuthstackConfig>['triggers'], Required<AuthstackConfig>['triggers']> = true;
const sameEvents: Same<
  [
    Shipped.PreSignUpEvent,
    Shipped.PostConfirmationEvent,
    Shipped.PreAuthenticationEvent,
    Shipped.PostAuthenticationEvent,
    Shipped.PreTokenGenerationV2Event,
    Shipped.CustomMessageEvent,
    Shipped.TriggerHandler<Shipped.PreSignUpEvent>,
  ],
  [
    import('../../src/index.js').PreSignUpEvent,
    import('../../src/index.js').PostConfirmationEvent,
    import('../../src/index.js').PreAuthenticationEvent,
    import('../../src/index.js').PostAuthenticationEvent,
    import('../../src/index.js').PreTokenGenerationV2Event,
    import('../../src/index.js').CustomMessageEvent,
    import('../../src/index.js').TriggerHandler<import('../../src/index.js').PreSignUpEvent>,
  ]
> = true;
const sameAccess: Same<Shipped.RouteAccess, import('../../src/core/routes.js').RouteAccessSetting> = true;
// A handler typed with the shipped types is one the wrapper runs, and the claims are strings in both.
const runs = (h: Shipped.RouteHandler): UserHandler => h as unknown as UserHandler;
const claims: Same<
  NonNullable<Shipped.RouteEvent['requestContext']['authorizer']>['claims'],
  NonNullable<RouteEvent['requestContext']['authorizer']>['claims']
> = true;
const shippedConfigIsSource = (c: Shipped.AuthstackConfig): AuthstackConfig => c;
const sourceConfigIsShipped = (c: AuthstackConfig): Shipped.AuthstackConfig => c;
const sourceHandlerFits = (h: RouteHandler) => h;

const schema = JSON.parse(readFileSync(new URL('../../authstack.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const SAMPLE = defineConfig({
  $schema: './node_modules/authstack/authstack.schema.json',
  groups: ['admin'],
  resourceServers: { notes: { scopes: { write: 'Write notes' } } },
  routes: {
    'GET /hello': { handler: 'api/hello.ts#hello', access: 'public' },
    'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
    'POST /notes': { handler: 'api/notes.ts#create', access: { scopes: ['notes/write'] } },
    'DELETE /notes/{id}': { handler: 'api/notes.ts#remove', access: { groups: ['admin'] } },
  },
  triggers: { preSignUp: 'auth/pre-sign-up.ts#handler', preTokenGeneration: 'auth/pre-token-generation.ts#handler' },
});

describe('the public types and schema', () => {
  it('declares the same types in index.d.ts as in the source (checked at compile time)', () => {
    expect([sameConfig, sameAccess, claims, sameTriggers, sameEvents]).toEqual([true, true, true, true, true]);
    expect([runs, shippedConfigIsSource, sourceConfigIsShipped, sourceHandlerFits].every((f) => typeof f === 'function')).toBe(true);
  });

  it('defineConfig returns the configuration unchanged', () => {
    expect(defineConfig(SAMPLE)).toBe(SAMPLE);
  });

  it('lets the schema take a configuration the check takes', () => {
    expect(checkProjectConfig(SAMPLE).problems).toEqual([]);
    expect(validate(SAMPLE), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    [{ routes: { 'GET /x': { handler: 'x.ts#a', access: 'admins' } } }],
    [{ routes: { 'FETCH /x': { handler: 'x.ts#a', access: 'public' } } }],
    [{ routes: { 'GET /x': { handler: 'x.ts', access: 'public' } } }],
    [{ routes: { 'GET /x': { handler: 'x.ts#a' } } }],
    [{ stackname: 'typo' }],
    [{ authorizerCacheSeconds: 4000 }],
    [{ triggers: { preSignup: 'x.ts#a' } }],
    [{ triggers: { preSignUp: 'x.ts' } }],
  ])('refuses in the schema what the check refuses: %j', (config) => {
    expect(checkProjectConfig(config).problems).not.toEqual([]);
    expect(validate(config)).toBe(false);
  });

  it('names every key the check knows', () => {
    const known = Object.keys((schema as { properties: object }).properties).sort();
    const everyKey = Object.fromEntries(known.map((k) => [k, null]));
    const unknown = checkProjectConfig(everyKey).problems.filter((p) => p.includes('is not a setting authstack knows'));
    expect(unknown).toEqual([]);
    expect(checkProjectConfig({ notAKey: 1 }).problems[0]).toContain('is not a setting authstack knows');
  });

  it('is exported by package.json with the types and shipped in its files', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, unknown>;
      files: string[];
      types: string;
    };
    expect(pkg.exports['.']).toEqual({ types: './index.d.ts', import: './dist/index.mjs' });
    expect(pkg.exports['./authstack.schema.json']).toBe('./authstack.schema.json');
    expect(pkg.files).toEqual(expect.arrayContaining(['index.d.ts', 'authstack.schema.json', 'starter', 'src/runtime']));
  });
});
