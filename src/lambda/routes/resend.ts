import { poolConfig } from '../config.js';
import { requireEmail } from '../input.js';
import { callCognito, type RouteHandler } from '../route.js';

export const resend: RouteHandler = async (ctx) => {
  const username = requireEmail(ctx.request.json(), 'username');
  const pool = poolConfig(ctx.config);
  const codeDeliveryDetails = await callCognito(ctx, (c) => c.resendConfirmationCode(pool, { username }, ctx.budgetMs()));
  return { status: 200, body: { codeDeliveryDetails } };
};
