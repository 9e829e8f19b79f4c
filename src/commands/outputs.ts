import { defineCommand } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { table } from '../core/output.js';

export default defineCommand<Record<string, never>>({
  name: 'outputs',
  description: "print the stack's outputs (API URL, user pool and client ids, ...)",
  examples: ['authstack outputs', 'authstack outputs --json'],
  async run(_input, ctx) {
    const [{ readDeployConfig, stackNameFor }, { resolveRegion }, { cloudFormation }] = await Promise.all([
      import('../deploy/config.js'),
      import('../deploy/aws-deps.js'),
      import('../aws/cloudformation.js'),
    ]);
    const config = (await readDeployConfig(ctx.projectDir)) ?? {};
    const stackName = stackNameFor(ctx.global, config);
    const { region, aws } = await resolveRegion(ctx, config.region);
    const stack = await (await cloudFormation(aws)).describeStack(stackName);
    if (!stack) throw noStack(stackName, region);
    ctx.out.result(stack.outputs, (c) => table(Object.entries(stack.outputs).map(([k, v]) => [c.dim(k), v])) || `Stack ${stackName} has no outputs (${stack.status}).`);
  },
});

export function noStack(stackName: string, region: string): UserError {
  return new UserError('deployment', `There is no stack ${stackName} in ${region}.`, {
    code: 'NoStack',
    hint: 'Deploy it with authstack deploy, or check --stack and --region',
  });
}
