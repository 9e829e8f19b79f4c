/**
 * The wrapper every project handler runs inside: group rules from the flattened `cognito:groups` claim (API
 * Gateway cannot check groups), failures answered as API Gateway answers a failed Lambda proxy integration
 * (502 {"message":"Internal server error"}), never a trace; and the bundle entry that wraps a file's exports,
 * built and run for real.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { bundleEntrySource, groupsOf, wrapHandler } from '../../../src/runtime/user-handler.js';
import type { ProxyEvent } from '../../../src/lambda/types.js';

const event = (resource: string, method: string, groups?: string): ProxyEvent =>
  ({
    resource,
    httpMethod: method,
    requestContext: { authorizer: groups === undefined ? null : { claims: { 'cognito:groups': groups } } },
  }) as unknown as ProxyEvent;
const ok = async () => ({ statusCode: 200, body: 'ok' });
const ctx = {} as never;
const env = { CORS_ALLOW_ORIGIN: 'https://app.example.com' };

describe('group rules', () => {
  const wrapped = wrapHandler(ok, { 'DELETE /notes/{id}': ['admin'], 'GET /notes/{id}': [] }, env);

  it("admits a member of one of the route's groups, whatever way the claim lists them", async () => {
    for (const claim of ['admin', 'editor,admin', '[editor admin]']) expect((await wrapped(event('/notes/{id}', 'DELETE', claim), ctx)).statusCode).toBe(200);
    expect(groupsOf('a, b')).toEqual(['a', 'b']);
  });

  it('refuses a non-member and a user in no group with 403 JSON and the CORS origin, without running the handler', async () => {
    const handler = vi.fn(ok);
    const guarded = wrapHandler(handler, { 'DELETE /notes/{id}': ['admin'] }, env);
    for (const claim of ['editor', undefined]) {
      const result = await guarded(event('/notes/{id}', 'DELETE', claim), ctx);
      expect(result).toMatchObject({ statusCode: 403, body: '{"message":"Forbidden"}', headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' } });
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('runs a route without a group rule for anyone the authorizer let through, and refuses a route it was not deployed for', async () => {
    expect((await wrapped(event('/notes/{id}', 'GET'), ctx)).statusCode).toBe(200);
    expect((await wrapped(event('/other', 'GET'), ctx)).statusCode).toBe(403);
  });
});

describe('failures', () => {
  it('answers a throw, a rejected promise and a result without statusCode with 502 and no trace, logging the error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handlers = [
        () => {
          throw new Error('secret detail');
        },
        async () => Promise.reject(new TypeError('boom')),
        async () => ({ body: 'no status' }) as never,
      ];
      for (const h of handlers) {
        const result = await wrapHandler(h, { 'GET /x': [] }, env)(event('/x', 'GET'), ctx);
        expect(result).toMatchObject({ statusCode: 502, body: '{"message":"Internal server error"}' });
        expect(result.body).not.toContain('secret');
      }
      expect(log.mock.calls[0]![0]).toContain('secret detail');
    } finally {
      log.mockRestore();
    }
  });
});

describe('the bundle entry', () => {
  it("wraps each export of a file with its routes' rules, default export included, built with esbuild and run", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authstack-entry-'));
    try {
      await writeFile(
        join(dir, 'notes.ts'),
        'export const get = async () => ({ statusCode: 200, body: "got" });\nexport default async () => ({ statusCode: 201, body: "made" });\n',
      );
      const wrapper = fileURLToPath(new URL('../../../src/runtime/user-handler.ts', import.meta.url));
      const source = bundleEntrySource('./notes.ts', { get: { 'GET /notes/{id}': [] }, default: { 'POST /notes': ['admin'] } }, wrapper);
      await build({
        stdin: { contents: source, resolveDir: dir, loader: 'ts' },
        bundle: true,
        format: 'esm',
        platform: 'node',
        outfile: join(dir, 'index.mjs'),
        logLevel: 'silent',
      });
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as Record<string, (e: ProxyEvent, c: never) => Promise<{ statusCode: number }>>;
      expect((await mod.get!(event('/notes/{id}', 'GET'), ctx)).statusCode).toBe(200);
      expect((await mod.default!(event('/notes', 'POST', 'admin'), ctx)).statusCode).toBe(201);
      expect((await mod.default!(event('/notes', 'POST', 'editor'), ctx)).statusCode).toBe(403);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
