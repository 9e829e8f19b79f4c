import { poolConfig } from '../config.js';
import { requireEmail, requirePassword } from '../input.js';
import { callCognito, type RouteHandler } from '../route.js';

export const signup: RouteHandler = async (ctx) => {
  const body = ctx.request.json();
  const username = requireEmail(body, 'username');
  const password = requirePassword(body, 'password');
  ctx.request.secrets.push(password);
  const pool = poolConfig(ctx.config);
  const result = await callCognito(ctx, (c) => c.signUp(pool, { username, password }, ctx.budgetMs()));
  return { status: 201, body: result };
};
