/**
 * What authstack 0.1.0 submitted for its YAML template: the plain `ApiDeployment` renamed `ApiDeployment<hash of the
 * API definition>` (as SAM names its deployments), so that a changed API reached the stage. The generator names the
 * deployment itself now; the upgrade tests read the 0.1.0 fixture through this to know what such a stack runs.
 */
import { LOGICAL_IDS, apiDefinitionHash, parseTemplate, type CfnTemplate } from '../../../src/deploy/template.js';

export function withApiDeploymentHash(body: string): { body: string; template: CfnTemplate; deploymentId: string } {
  const template = parseTemplate(body);
  if (!(LOGICAL_IDS.deployment in template.Resources)) return { body, template, deploymentId: LOGICAL_IDS.deployment };
  const deploymentId = `${LOGICAL_IDS.deployment}${apiDefinitionHash(template)}`;
  const rewritten = body.replace(new RegExp(`\\b${LOGICAL_IDS.deployment}\\b`, 'g'), deploymentId);
  return { body: rewritten, template: parseTemplate(rewritten), deploymentId };
}
