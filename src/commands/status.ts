import { defineCommand } from '../core/command.js';
import { UserError } from '../core/errors.js';
import { checkHealth } from '../core/health.js';
import { table } from '../core/output.js';
import { noStack } from './outputs.js';
import type { LocalStatusResult, StatusResult } from './results.js';
import type { Context } from '../core/context.js';
import type { Target } from '../core/targets.js';
import { localTargetSelected } from './local-target.js';

export default defineCommand({
  name: 'status',
  description: 'stack status, outputs, certificate, last deploy and a health check',
  options: { healthCheck: { type: 'negated-switch', description: 'do not call GET /app/health' } },
  examples: ['authstack status', 'authstack status --json'],
  async run({ options }, ctx) {
    const local = await localTargetSelected(ctx);
    if (local) return localStatus(ctx, local, options.healthCheck);
    const [{ resolveRegion, services }, { OUTPUTS, PARAMETERS, LOGICAL_IDS }, { readDeployRecord }] = await Promise.all([
      import('../deploy/aws-deps.js'),
      import('../deploy/template.js'),
      import('../deploy/record.js'),
    ]);
    const { model } = await ctx.project();
    const stackName = model.stackName;
    const { region, aws } = await resolveRegion(ctx, model.region);
    const api = await services(aws);
    const stack = await api.cfn.describeStack(stackName);
    if (!stack) throw noStack(stackName, region);

    const domain = stack.parameters[PARAMETERS.domainName];
    let certificate: StatusResult['certificate'];
    if (domain) {
      const arn = await api.cfn.physicalId(stack.stackId, LOGICAL_IDS.certificate);
      if (arn?.startsWith('arn:')) {
        const cert = await (await api.acm()).describeCertificate(arn);
        const rec = cert.validationRecords[0];
        certificate = { arn, status: cert.status, validationRecord: rec && cert.status !== 'ISSUED' ? `${rec.name} ${rec.type} ${rec.value}` : undefined };
      }
    }
    const fnName = stack.outputs[OUTPUTS.functionName];
    const fn = fnName ? await api.lambda.getFunction(fnName) : undefined;
    const record = await readDeployRecord(ctx.state.dir, stackName, region).catch(() => undefined);
    const lastDeploy: StatusResult['lastDeploy'] = fn
      ? {
          codeLastModified: fn.lastModified,
          codeSha256: fn.codeSha256,
          lastUpdateStatus: fn.lastUpdateStatus,
          stackLastUpdated: (stack.lastUpdatedTime ?? stack.creationTime)?.toISOString(),
          fromThisMachine: record?.deployedAt,
        }
      : undefined;

    const apiUrl = (stack.outputs[OUTPUTS.apiUrl] ?? '').replace(/\/+$/, '');
    const health = options.healthCheck && apiUrl ? await checkHealth({ apiUrl, fetch: ctx.fetch, clock: ctx.clock, signal: ctx.signal }) : undefined;

    const doc: StatusResult = {
      stackName,
      region,
      status: stack.status,
      statusReason: stack.statusReason,
      outputs: stack.outputs,
      certificate,
      lastDeploy,
      health,
    };
    ctx.out.result(doc, (c) => {
      const good = /_COMPLETE$/.test(stack.status) && !stack.status.includes('ROLLBACK');
      const rows: string[][] = [
        ['Stack', `${stackName} (${region})`],
        ['Status', good ? c.green(stack.status) : c.yellow(stack.status) + (stack.statusReason ? c.dim(`  ${stack.statusReason}`) : '')],
      ];
      if (certificate)
        rows.push([
          'Certificate',
          (certificate.status === 'ISSUED' ? c.green : c.yellow)(certificate.status) +
            (certificate.validationRecord ? c.dim(`  needs ${certificate.validationRecord}`) : ''),
        ]);
      if (lastDeploy) rows.push(['Last code deploy', `${lastDeploy.codeLastModified ?? '?'}  ${c.dim(`sha256 ${lastDeploy.codeSha256}`)}`]);
      if (health) rows.push(['Health', health.healthy ? `${c.green('healthy')} ${c.dim(`${health.ms} ms`)}` : c.red(`unhealthy (${health.reason})`)]);
      for (const [k, v] of Object.entries(stack.outputs)) rows.push([k, v]);
      return table(rows.map(([k, v]) => [c.dim(k!), v!]));
    });
    if (health && !health.healthy) {
      throw new UserError('api', `The API is not healthy: ${health.reason} from ${health.url}.`, {
        code: 'Unhealthy',
        hint: `See the function's logs with "authstack logs --stack ${stackName}"`,
      });
    }
  },
});

/** Status of the local stack: its URLs and pool, and whether `authstack dev` answers. */
async function localStatus(ctx: Context, target: Target, healthCheck: boolean): Promise<void> {
  const health = healthCheck ? await checkHealth({ apiUrl: target.apiUrl, fetch: ctx.fetch, clock: ctx.clock, signal: ctx.signal }) : undefined;
  const running = health === undefined ? undefined : health.status !== undefined;
  const doc: LocalStatusResult = {
    target: target.name,
    kind: 'local',
    apiUrl: target.apiUrl,
    cognitoEndpoint: target.cognitoEndpoint,
    userPoolId: target.userPoolId,
    clientId: target.clientId,
    region: target.region,
    dataDir: target.localDataDir,
    running,
    health,
  };
  ctx.out.result(doc, (c) => {
    const rows: string[][] = [
      ['Target', 'local (authstack dev)'],
      ['API', target.apiUrl],
      ['Cognito', target.cognitoEndpoint ?? ''],
      ['User pool', `${target.userPoolId}  ${c.dim(`client ${target.clientId}`)}`],
    ];
    if (target.localDataDir) rows.push(['Data', target.localDataDir]);
    if (health)
      rows.push([
        'Health',
        health.healthy
          ? `${c.green('healthy')} ${c.dim(`${health.ms} ms`)}`
          : running
            ? c.red(`unhealthy (${health.reason})`)
            : c.yellow(`not running (${health.reason})`),
      ]);
    return table(rows.map(([k, v]) => [c.dim(k!), v!]));
  });
  if (running === false) {
    throw new UserError('local', `The local stack is not running: ${health!.reason} at ${health!.url}.`, {
      code: 'NotRunning',
      hint: 'Start it with "authstack dev"',
    });
  }
  if (health && !health.healthy) {
    throw new UserError('api', `The local API is not healthy: ${health.reason} from ${health.url}.`, {
      code: 'Unhealthy',
      hint: 'See the requests in the terminal running authstack dev',
    });
  }
}
