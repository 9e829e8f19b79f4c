/**
 * A change to the API reaches the stage: API Gateway serves a deployment, a snapshot of the methods taken when it
 * was created, and CloudFormation makes a new one only for a new Deployment resource. The fake account models
 * that (FakeAws.stageServes), so the trap of a fixed deployment logical id shows here as it would in AWS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiDefinitionHash, loadTemplate, parseTemplate, withApiDeploymentHash, type CfnTemplate } from '../../../src/deploy/template.js';
import { deployTemplate, deployWorld, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const stack = () => w.aws.cfn.get('authstack')!;
const served = () => w.aws.stageServes(stack().resources.get('Api')!.physicalId, 'prod');

/** The shipped template with one more setting on the proxy method's integration. */
async function withChangedIntegration(): Promise<string> {
  const { template } = await loadTemplate();
  const changed: CfnTemplate = structuredClone(template);
  (changed.Resources.ApiProxyMethod!.Properties!.Integration as Record<string, unknown>).TimeoutInMillis = 5000;
  return JSON.stringify(changed);
}

describe('changes to the API reach the stage', () => {
  it('a changed integration is served by the stage after one deploy, through a new deployment', async () => {
    w = await deployWorld();
    await deployTemplate(w.aws);
    const before = Object.values(served()!);
    expect(before).toHaveLength(2);
    expect(JSON.stringify(before)).not.toContain('TimeoutInMillis');

    const { result } = await deployTemplate(w.aws, await withChangedIntegration());
    expect(result.outcome).toBe('updated');
    expect(result.changes.filter((c) => c.resourceType === 'AWS::ApiGateway::Deployment').map((c) => c.action).sort()).toEqual(['Add', 'Remove']);
    expect(Object.values(served()!).map((m) => (m as { Integration: Record<string, unknown> }).Integration.TimeoutInMillis)).toContain(5000);
    // The old deployment is gone; only the one the stage serves is left.
    expect(w.aws.apiDeployments.size).toBe(1);
  });

  it('a deploy that leaves the API as it is keeps its deployment (no new snapshot for a parameter change)', async () => {
    w = await deployWorld();
    await deployTemplate(w.aws);
    const deployments = [...w.aws.apiDeployments.keys()];
    const { result } = await deployTemplate(w.aws, undefined, { parameters: { LogRetentionInDays: '14' } });
    expect(result.outcome).toBe('updated');
    expect(result.changes.map((c) => c.resourceType)).not.toContain('AWS::ApiGateway::Deployment');
    expect([...w.aws.apiDeployments.keys()]).toEqual(deployments);
  });

  it('the shipped template keeps the plain ApiDeployment; the text sent names it after the API hash, the same every time', async () => {
    const { body, template } = await loadTemplate();
    expect(template.Resources.ApiDeployment).toBeDefined();
    const sent = withApiDeploymentHash(body);
    expect(sent.deploymentId).toBe(`ApiDeployment${apiDefinitionHash(template)}`);
    expect(sent.template.Resources.ApiDeployment).toBeUndefined();
    expect(sent.template.Resources.ApiStage!.Properties!.DeploymentId).toEqual({ Ref: sent.deploymentId });
    expect(withApiDeploymentHash(body).body).toBe(sent.body);
    expect(withApiDeploymentHash(await withChangedIntegration()).deploymentId).not.toBe(sent.deploymentId);
  });

  it('no API resource refers to a parameter, so the hash of their definition covers every change to the API', async () => {
    const { template } = await loadTemplate();
    const api = Object.values(parseTemplate(JSON.stringify(template)).Resources).filter((r) => /^AWS::ApiGateway::(RestApi|Resource|Method)$/.test(r.Type));
    const parameters = Object.keys(template.Parameters ?? {});
    const text = JSON.stringify(api);
    expect(parameters.filter((p) => text.includes(`"Ref":"${p}"`) || text.includes(`\${${p}}`))).toEqual([]);
  });
});
