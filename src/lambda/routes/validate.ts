import { poolConfig } from '../config.js';
import { requireCode, requireEmail } from '../input.js';
import { callCognito, type RouteHandler } from '../route.js';

export const validate: RouteHandler = async (ctx) => {
  const body = ctx.request.json();
  const username = requireEmail(body, 'username');
  const code = requireCode(body, 'code');
  ctx.request.secrets.push(code);
  const pool = poolConfig(ctx.config);
  await callCognito(ctx, (c) => c.confirmSignUp(pool, { username, code }, ctx.budgetMs()));
  return { status: 200, body: { status: 'Confirmed' } };
};
