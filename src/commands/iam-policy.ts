import { defineCommand } from '../core/command.js';
import { usageError } from '../core/errors.js';
import type { IamPolicyResult } from './results.js';

function accountId(raw: string): string {
  if (!/^\d{12}$/.test(raw)) throw usageError(`--account-id must be a 12-digit AWS account id, got "${raw}".`);
  return raw;
}

export default defineCommand({
  name: 'iam-policy',
  description: 'print the IAM policy deploy, status, outputs, logs, destroy and smoke need (for a CI role), scoped to the stack',
  options: {
    accountId: { type: 'value', placeholder: 'id', description: 'the AWS account id to name in the ARNs (default: * , any account)', parse: accountId },
  },
  examples: ['authstack iam-policy', 'authstack iam-policy --stack my-api --region eu-west-1 --account-id 123456789012 --json > policy.json'],
  async run({ options }, ctx) {
    const { deployerPolicy, statementPurposes } = await import('../deploy/iam-policy.js');
    const { model } = await ctx.project();
    const stackName = model.stackName;
    // No AWS call: the policy is for an identity that may not exist yet, and this machine may have no credentials.
    const region = ctx.global.region ?? model.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
    const policy: IamPolicyResult = deployerPolicy({ stackName, region, accountId: options.accountId });
    const purposes = statementPurposes();
    if (!ctx.out.json) {
      // What each statement is for goes to stderr: stdout stays the document, so `> policy.json` is valid JSON.
      const c = ctx.out.c;
      ctx.out.info(c.dim(`IAM policy for authstack on stack ${stackName}${region ? ` in ${region}` : ' (any region: pass --region to narrow it)'}:`));
      for (const s of policy.Statement) ctx.out.info(c.dim(`  ${s.Sid.padEnd(16)} ${purposes[s.Sid]}`));
    }
    ctx.out.result(policy, JSON.stringify(policy, null, 2));
  },
});
