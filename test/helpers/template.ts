/** The template deploy would send for a model (default: every default), with a fixed asset for each function. */
import { buildStackModel, type StackModel } from '../../src/core/stack-model.js';
import { synthesizeText } from '../../src/deploy/template/index.js';
import type { CfnTemplate } from '../../src/deploy/template.js';

/** A stand-in for the shipped zip's SHA-256 (hex). */
export const TEST_ASSET_SHA256 = 'ab'.repeat(32);

export function generatedTemplate(model: StackModel = buildStackModel(), sha256: string = TEST_ASSET_SHA256): { body: string; template: CfnTemplate } {
  const functions = [...model.functions, ...(model.pictures ? [model.pictures.function] : [])];
  return synthesizeText(model, Object.fromEntries(functions.map((fn) => [fn.id, { sha256 }])));
}

/** The routes `authstack init` writes, plus a scope route and a group route. */
export const SAMPLE_ROUTES = {
  groups: ['admin'],
  resourceServers: { notes: { name: 'Notes', scopes: { read: 'Read notes', write: 'Write notes' } } },
  routes: {
    'GET /hello': { handler: 'api/hello.ts#hello', access: 'public' },
    'GET /notes/{id}': { handler: 'api/notes.ts#get', access: 'signed-in' },
    'POST /notes': { handler: 'api/notes.ts#create', access: { scopes: ['notes/write'] } },
    'DELETE /notes/{id}': { handler: 'api/notes.ts#remove', access: { groups: ['admin'] } },
  },
} as const;
