/**
 * A change to the API reaches the stage: API Gateway serves a deployment, a snapshot of the methods taken when it
 * was created, and CloudFormation makes a new one only for a new Deployment resource. The fake account models
 * that (FakeAws.stageServes), so the trap of a fixed deployment logical id shows here as it would in AWS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiDefinitionHash, parseTemplate } from '../../../src/deploy/template.js';
import { withApiDeploymentHash } from '../template/legacy-deployment.js';
import { readFile } from 'node:fs/promises';
import { buildStackModel } from '../../../src/core/stack-model.js';
import { deployTemplate, deployWorld, testTemplate, type DeployWorld } from './helpers.js';

let w: DeployWorld;
afterEach(async () => w?.cleanup());

const stack = () => w.aws.cfn.get('authstack')!;
const served = () => w.aws.stageServes(stack().resources.get('Api')!.physicalId, 'prod');

/** The generated template for a model with one more route: a changed API definition. */
async function withChangedIntegration(): Promise<string> {
  const model = buildStackModel();
  return testTemplate({ ...model, routes: [...model.routes, { method: 'GET', path: '/app/health', functionId: 'api' }] }).body;
}

/** The template authstack 0.1.0 shipped: the plain `ApiDeployment`, renamed by deploy as it sends it. */
const legacyTemplate = () => readFile(new URL('../../fixtures/template-0.1.0.yaml', import.meta.url), 'utf8');

describe('changes to the API reach the stage', () => {
  it('a changed integration is served by the stage after one deploy, through a new deployment', async () => {
    w = await deployWorld();
    await deployTemplate(w.aws);
    const before = Object.values(served()!);
    expect(before).toHaveLength(2);
    expect(JSON.stringify(before)).not.toContain('"GET"');

    const { result } = await deployTemplate(w.aws, await withChangedIntegration());
    expect(result.outcome).toBe('updated');
    expect(
      result.changes
        .filter((c) => c.resourceType === 'AWS::ApiGateway::Deployment')
        .map((c) => c.action)
        .sort(),
    ).toEqual(['Add', 'Remove']);
    expect(Object.values(served()!).map((m) => (m as { HttpMethod: string }).HttpMethod)).toContain('GET');
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

  it('the generator names the deployment after the API hash, the same every time, and the id 0.1.0 deployed (no new deployment on upgrade)', async () => {
    const { body, template } = testTemplate();
    expect(template.Resources.ApiDeployment).toBeUndefined();
    const deploymentId = `ApiDeployment${apiDefinitionHash(template)}`;
    expect(template.Resources[deploymentId]?.Type).toBe('AWS::ApiGateway::Deployment');
    expect(template.Resources.ApiStage!.Properties!.DeploymentId).toEqual({ Ref: deploymentId });
    // What deploy sends: the generated text as it is.
    expect(withApiDeploymentHash(body).body).toBe(body);
    expect(testTemplate().body).toBe(body);
    expect(parseTemplate(await withChangedIntegration()).Resources[deploymentId]).toBeUndefined();
    // authstack 0.1.0 renamed its plain ApiDeployment to the same id when it sent the template.
    const legacy = withApiDeploymentHash(await legacyTemplate());
    expect(legacy.deploymentId).toBe(deploymentId);
    expect(legacy.template.Resources.ApiDeployment).toBeUndefined();
    expect(legacy.template.Resources.ApiStage!.Properties!.DeploymentId).toEqual({ Ref: deploymentId });
  });

  it('no API resource refers to a parameter, so the hash of their definition covers every change to the API', async () => {
    const { template } = testTemplate();
    const api = Object.values(parseTemplate(JSON.stringify(template)).Resources).filter((r) => /^AWS::ApiGateway::(RestApi|Resource|Method)$/.test(r.Type));
    const parameters = Object.keys(template.Parameters ?? {});
    const text = JSON.stringify(api);
    expect(parameters.filter((p) => text.includes(`"Ref":"${p}"`) || text.includes(`\${${p}}`))).toEqual([]);
  });
});
