import { defineCommand } from '../core/command.js';
import { confirmOrRefuse } from '../core/confirm.js';
import type { Context } from '../core/context.js';
import { duration } from '../core/parse.js';
import type { DestroyResult } from './results.js';
import { deployedOnly, localTargetSelected } from './local-target.js';

export default defineCommand({
  name: 'destroy',
  description: 'delete the stack (the user pool is kept unless --delete-user-pool, the pictures bucket unless --delete-pictures; the artifact bucket always)',
  options: {
    yes: { type: 'switch', short: 'y', description: 'do not ask (needed without a terminal)' },
    deleteUserPool: { type: 'switch', description: 'also delete the user pool and every user in it (asks again, naming the count)' },
    deletePictures: { type: 'switch', description: 'also empty and delete the pictures bucket (asks again, naming the object count)' },
    pollInterval: {
      type: 'value',
      placeholder: 'duration',
      description: 'time between status polls (default: 2s)',
      parse: duration('--poll-interval'),
      hidden: true,
    },
  },
  examples: ['authstack destroy', 'authstack destroy --yes', 'authstack destroy --delete-user-pool', 'authstack destroy --delete-pictures'],
  async run({ options }, ctx) {
    if (await localTargetSelected(ctx)) {
      throw deployedOnly(
        'destroy deletes a deployed stack',
        'The local stack keeps its users in .authstack/local: stop authstack dev and start it with --reset for a fresh user pool',
      );
    }
    const [{ resolveRegion, services }, { destroyStack }, { deployPrinter }, { forgetDeployRecord }] = await Promise.all([
      import('../deploy/aws-deps.js'),
      import('../deploy/destroy-stack.js'),
      import('../deploy/printer.js'),
      import('../deploy/record.js'),
    ]);
    const { model } = await ctx.project();
    const stackName = model.stackName;
    const { region, aws } = await resolveRegion(ctx, model.region);
    const api = await services(aws);
    const printer = deployPrinter(ctx.out, ctx.clock.now);
    let result: Awaited<ReturnType<typeof destroyStack>>;
    try {
      result = await destroyStack(
        {
          stackName,
          region,
          yes: options.yes,
          deleteUserPool: options.deleteUserPool,
          deletePictures: options.deletePictures,
          pollIntervalMs: options.pollInterval,
          signal: ctx.signal,
        },
        { cfn: api.cfn, cognitoAdmin: api.cognitoAdmin, s3: api.s3, clock: ctx.clock, confirm: (m) => confirm(ctx, m), emit: printer.emit },
      );
    } finally {
      printer.close();
    }
    if (result.outcome === 'deleted') {
      await forgetDeployRecord(ctx.state.dir, stackName, region);
      // The auth commands must not keep aiming at an API that no longer exists.
      await ctx.state.removeTarget(stackName);
    }
    const doc: DestroyResult = { stackName, region, ...result };
    ctx.out.result(doc, (c) =>
      result.outcome === 'not-found'
        ? ''
        : `${c.green('✔')} Deleted stack ${stackName}.` +
          (result.userPoolId
            ? result.userPoolDeleted
              ? ` The user pool ${result.userPoolId} was deleted too.`
              : ` The user pool ${result.userPoolId} was kept.`
            : '') +
          (result.picturesBucket
            ? result.picturesDeleted
              ? ` The pictures bucket ${result.picturesBucket} was deleted too.`
              : ` The pictures bucket ${result.picturesBucket} was kept.`
            : ''),
    );
  },
});

function confirm(ctx: Context, message: string): Promise<boolean> {
  return confirmOrRefuse(ctx, message, {
    doing: 'delete',
    hint: 'Run again with --yes (and --delete-user-pool, --delete-pictures to delete the users, the pictures too)',
  });
}
