/**
 * The CloudFormation template, generated from the stack model: `synthesize` is pure (the same model and assets give
 * the same template, byte for byte, through `templateText`), so `authstack synth` needs no AWS call and a deploy of
 * an unchanged project sends an unchanged template (the no-op fast path holds).
 */
import { PICTURES_FUNCTION_ID, type StackModel } from '../../core/stack-model.js';
import type { FunctionAsset } from '../assets.js';
import type { CfnResource, CfnTemplate } from '../template.js';
import { apiResources } from './api.js';
import { customDomainResources } from './custom-domain.js';
import { functionResources } from './functions.js';
import { equals, isSet, not, ref } from './intrinsics.js';
import { outputs } from './outputs.js';
import { withPictures } from './pictures.js';
import { PARAMETER_GROUPS, parameters } from './parameters.js';
import { POOL_CONDITIONS, groupConditions, poolResources } from './pool.js';
import { PARAMETERS as P } from '../template.js';
import { withResourceServers } from './routes.js';
import { triggerFunctionResources, withTriggers } from './triggers.js';

export { parameterValues } from './parameters.js';

/** Each function's built zip, by function id. */
export type FunctionAssets = Readonly<Record<string, FunctionAsset>>;

const DESCRIPTION =
  'authstack: a Cognito user pool and a Lambda function behind an API Gateway REST API (proxy integration), with an optional custom domain. Deployed and updated by `authstack deploy`.';

export function synthesize(model: StackModel, assets: FunctionAssets): CfnTemplate {
  const functions: Record<string, CfnResource> = {};
  for (const fn of model.functions) {
    const asset = assets[fn.id];
    if (!asset) throw new Error(`no built asset for the function "${fn.id}"`);
    Object.assign(functions, fn.trigger ? triggerFunctionResources(fn, asset) : functionResources(fn, asset));
  }
  const template: CfnTemplate = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: DESCRIPTION,
    Metadata: {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: PARAMETER_GROUPS.map((group) => ({ Label: { default: group.label }, Parameters: [...group.parameters] })),
      },
    },
    Parameters: parameters(model),
    Rules: {
      DomainNeedsHostedZone: {
        RuleCondition: isSet(P.domainName),
        Assertions: [{ Assert: not(equals(ref(P.hostedZoneId), '')), AssertDescription: 'HostedZoneId is required when DomainName is set.' }],
      },
    },
    Conditions: { HasDomain: isSet(P.domainName), ...POOL_CONDITIONS, ...groupConditions() },
    Resources: { ...withTriggers(model, withResourceServers(model, poolResources(model))), ...functions, ...apiResources(model), ...customDomainResources() },
    Outputs: outputs(model),
  };
  // Pictures only add resources (and the API's environment): without them the template is untouched.
  return withPictures(template, model, assets[PICTURES_FUNCTION_ID]);
}

/** The text sent to CloudFormation: JSON, keys in the order the builders write them (fixed), two-space indent. */
export function templateText(template: CfnTemplate): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** The template and its text, as deploy and `synth` use them. */
export function synthesizeText(model: StackModel, assets: FunctionAssets): { body: string; template: CfnTemplate } {
  const template = synthesize(model, assets);
  return { body: templateText(template), template };
}

/**
 * The pool's part of the template (the parameters and the pool's resources): enough to read the settings a deployed
 * stack's parameter values give its pool (`userPoolSettings`), with no function assets needed.
 */
export function poolTemplate(model: StackModel): CfnTemplate {
  return { Parameters: parameters(model), Resources: poolResources(model) };
}
