/**
 * One deploy, as a plain function: compare with what is deployed and stop when nothing changed; otherwise publish
 * the functions' zips to the artifact bucket (by hash, skipping what is there), then go through a change set
 * (shown, guarded, confirmed) and watch the stack. The template names each zip, so the code arrives with its
 * resource, in the same operation. Everything it touches comes in through `deps`; what it has to say goes out
 * through `deps.emit` (see `printer.ts`).
 */
import { createHash } from 'node:crypto';
import {
  WaitAborted,
  type ChangeSetDescription,
  type CloudFormationApi,
  type ParameterValue,
  type ResourceChange,
  type StackEvent,
  type StackSummary,
} from '../aws/cloudformation.js';
import type { S3Api } from '../aws/s3.js';
import type { AcmApi, CertificateState } from '../aws/acm.js';
import { normaliseHost, type Route53Api } from '../aws/route53.js';
import type { Clock } from '../core/context.js';
import { UserError, interruptedError } from '../core/errors.js';
import { changeRows, dangerousChanges, replacementRefused } from './change-set.js';
import { checkDelegation, delegationError, findHostedZone, type ResolveNs } from './domain.js';
import { Interrupted, eventMark, firstFailure, isFailureStatus, isTerminal, watchStack, type WatchResult } from './events.js';
import { accountOfStackId, publishAssets, type AssetEvent } from './artifact-bucket.js';
import type { BuiltAsset } from './build-functions.js';
import { codeOnlyDifference, mayCompareTemplate, planDeploy, type DeployFacts } from './plan.js';
import { LOGICAL_IDS, PARAMETERS, parseTemplate } from './template.js';
import { API_FUNCTION_ID } from '../core/stack-model.js';
import { mfaChange, templateMfa } from './mfa-change.js';

export interface DeployStackOptions {
  /** CloudFormation stack name. */
  readonly stackName: string;
  /** The region, for the commands suggested in messages. */
  readonly region: string;
  /**
   * The template text, as `synthesize` wrote it for `assets`: each function's Code is its zip in the artifact
   * bucket, and the API deployment is named after the API's definition (so a changed API reaches the stage).
   */
  readonly templateBody: string;
  /** The template's parameter names: only these are sent. */
  readonly templateParameters: readonly string[];
  /**
   * Parameter values to set. A parameter not listed keeps its deployed value (UsePreviousValue), or the
   * template default on a new stack. `DomainName`/`HostedZoneId` are filled in from `domain`.
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** Every function's zip the template names; published before the stack changes. */
  readonly assets: readonly BuiltAsset[];
  /** Custom domain; the hosted zone is looked up unless already deployed with the same domain. */
  readonly domain?: { readonly name: string; readonly hostedZoneId?: string; readonly skipDnsCheck?: boolean };
  /** Execute the change set. Default true; false shows it and stops (`--no-execute`). */
  readonly execute?: boolean;
  /** Skip confirmations. Default false. */
  readonly yes?: boolean;
  /** Let a change set replace or remove the user pool or its client. Default false. */
  readonly allowUserPoolReplacement?: boolean;
  /** Continue a rollback that failed (UPDATE_ROLLBACK_FAILED) before deploying. Default false. */
  readonly continueRollback?: boolean;
  /** Time between status polls. Default 2 s. */
  readonly pollIntervalMs?: number;
  /** How long to wait for another operation on the stack to finish. Default 10 minutes; 0 reports at once. */
  readonly busyTimeoutMs?: number;
  /** How long to wait for the certificate to be issued. Default 30 minutes. */
  readonly certificateTimeoutMs?: number;
  /** Aborted on Ctrl-C: stop watching, leave the stack to CloudFormation. */
  readonly signal?: AbortSignal;
}

export type DeployEvent =
  | { type: 'info'; message: string }
  | { type: 'warn'; message: string }
  | { type: 'change-set'; stackName: string; changes: ResourceChange[]; rows: string[][] }
  | { type: 'operation-start'; stackName: string; operation: 'create' | 'update' | 'delete' | 'rollback'; resources: number }
  | { type: 'stack-event'; event: StackEvent }
  | { type: 'operation-end'; status: string; ok: boolean }
  | { type: 'certificate'; certificate: CertificateState }
  | AssetEvent;

export type DeploySink = (event: DeployEvent) => void;

export interface DeployStackDeps {
  readonly cfn: CloudFormationApi;
  /** The artifact bucket's client: loaded only when there is something to publish. */
  readonly s3: () => Promise<S3Api>;
  /** The credentials' account, asked only when no stack ARN names it (a first deploy). */
  readonly accountId: () => Promise<string>;
  /** Loaded only when a custom domain needs them. */
  readonly acm: () => Promise<AcmApi>;
  readonly route53: () => Promise<Route53Api>;
  readonly resolveNs: ResolveNs;
  readonly clock: Clock;
  /**
   * Asks the user; throws when nobody can answer. Not called with `yes`. `changeSetShown`: the question is about
   * the change set just shown (a refusal may then point at it).
   */
  readonly confirm: (message: string, about?: { changeSetShown: boolean }) => Promise<boolean>;
  readonly emit: DeploySink;
}

type DeployOutcome = 'no-changes' | 'code-only' | 'created' | 'updated' | 'change-set-only';

export interface DeployStackResult {
  outcome: DeployOutcome;
  stackName: string;
  stackId?: string;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  /** Every parameter value the stack now runs with, as CloudFormation reports it (the desired ones over them). */
  stackParameters: Record<string, string>;
  changes: ResourceChange[];
  /** Set for `change-set-only`. */
  changeSetId?: string;
  /** Base64 SHA-256 of the API's zip (what Lambda reports as its CodeSha256). */
  codeSha256: string;
  templateSha256: string;
  /** Whether this deploy stored a zip in the artifact bucket (false: every zip was there already, or nothing changed). */
  codeUploaded: boolean;
  /** The artifact bucket, when this deploy published to it. */
  artifactBucket?: string;
  /** Why the fast path was or was not taken, for --verbose. */
  reason: string;
}

const STABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The code hash as Lambda reports it (`CodeSha256`): base64, not hex. */
function lambdaCodeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

export async function deployStack(options: DeployStackOptions, deps: DeployStackDeps): Promise<DeployStackResult> {
  const { stackName } = options;
  const api = options.assets.find((a) => a.functionId === API_FUNCTION_ID) ?? options.assets[0];
  const codeSha256 = api ? lambdaCodeSha256(api.zip) : '';
  const templateBody = options.templateBody;
  const templateSha256 = sha256Hex(templateBody);

  const stack = await settleStack(await deps.cfn.describeStack(stackName), options, deps);
  const desired: Record<string, string> = { ...options.parameters };
  if (options.domain) {
    // One spelling for the lookup, the comparison with the deployed parameter and the parameter sent.
    const domain = { ...options.domain, name: normaliseHost(options.domain.name) };
    desired[PARAMETERS.domainName] = domain.name;
    desired[PARAMETERS.hostedZoneId] = await hostedZoneFor(domain, stack, deps, deps.emit);
  }
  const parameters = parameterValues(options.templateParameters, desired, stack);
  const finish = (
    outcome: DeployOutcome,
    rest: Omit<DeployStackResult, 'outcome' | 'stackName' | 'templateSha256' | 'parameters' | 'stackParameters' | 'codeSha256'>,
    live = stack,
  ): DeployStackResult => ({
    outcome,
    stackName,
    templateSha256,
    codeSha256,
    parameters: desired,
    stackParameters: { ...live?.parameters, ...desired },
    ...rest,
  });

  // The deployed template text and parameters are the record of the last deploy, code included (each zip is
  // named by its hash), so this works from any machine without local state. It is read for the comparison, and
  // when this template sets MFA (a change to it may be refused).
  let facts: DeployFacts = { stack, desired, templateSha256 };
  const deployedBody =
    stack && (mayCompareTemplate(facts) || (templateMfa(templateBody) ?? 'OFF') !== 'OFF') ? await deps.cfn.getTemplate(stackName) : undefined;
  if (stack && deployedBody !== undefined && mayCompareTemplate(facts)) {
    facts = { ...facts, deployedTemplateSha256: sha256Hex(deployedBody) };
    if (facts.deployedTemplateSha256 !== templateSha256) facts = { ...facts, codeOnly: codeOnlyFunctions(deployedBody, templateBody) };
  }
  const mfa = deployedBody === undefined ? undefined : mfaChange(deployedBody, templateBody);
  if (mfa) deps.emit({ type: 'info', message: mfa.note });
  const plan = planDeploy(facts);
  if (plan.kind === 'no-changes') {
    deps.emit({ type: 'info', message: `No changes: stack ${stackName} already runs this template (its code included) and these parameters.` });
    return finish('no-changes', { stackId: stack!.stackId, outputs: stack!.outputs, changes: [], codeUploaded: false, reason: plan.reason });
  }
  if (plan.reason === 'code changed') {
    deps.emit({
      type: 'info',
      message: `Only the code of ${plan.functions!.join(', ')} changed: the change set updates ${plan.functions!.length === 1 ? 'that function' : 'those functions'} alone.`,
    });
  }

  // The code first: the change set names the objects, and CloudFormation reads them when it creates or updates
  // each function. The stack's ARN names the account; only a first deploy has to ask STS.
  const accountId = accountOfStackId(stack?.stackId) ?? (await deps.accountId());
  if (options.signal?.aborted) throw interrupted(stackName, options.region, 'code');
  const published = await publishAssets(options.assets, { accountId, region: options.region }, await deps.s3(), deps.emit);
  const code = { codeUploaded: published.uploaded.length > 0, artifactBucket: published.bucket };

  const applied = await applyChangeSet(plan.type, { body: templateBody, sha256: templateSha256 }, parameters, stack, options, deps);
  switch (applied.kind) {
    case 'empty':
      deps.emit({ type: 'info', message: `No changes: CloudFormation found nothing to change in ${stackName}.` });
      return finish('no-changes', { stackId: stack!.stackId, outputs: stack!.outputs, changes: [], ...code, reason: 'change set empty' });
    case 'not-executed':
      return finish('change-set-only', {
        stackId: applied.stackId,
        outputs: stack?.outputs ?? {},
        changes: applied.changes,
        changeSetId: applied.changeSetId,
        ...code,
        reason: 'not executed',
      });
    case 'executed':
      return finish(
        plan.type === 'CREATE' ? 'created' : plan.reason === 'code changed' ? 'code-only' : 'updated',
        { stackId: applied.stack.stackId, outputs: applied.stack.outputs, changes: applied.changes, ...code, reason: plan.reason },
        applied.stack,
      );
  }
}

/** The functions whose code alone changed between the deployed template text and this one (undefined: more changed). */
function codeOnlyFunctions(deployedBody: string, body: string): string[] | undefined {
  try {
    return codeOnlyDifference(parseTemplate(deployedBody), parseTemplate(body));
  } catch {
    return undefined;
  }
}

/** What became of a change set: CloudFormation found nothing to change, it was left for review, or executed. */
type Applied =
  | { kind: 'empty' }
  | { kind: 'not-executed'; changeSetId: string; stackId: string; changes: ResourceChange[] }
  | { kind: 'executed'; stack: StackSummary; changes: ResourceChange[] };

/**
 * Creates the change set, shows it, applies the user pool guard, asks, executes it and watches the stack to the
 * end. Throws when CloudFormation rejects the change, the guard or the user refuses it, or the operation fails.
 */
async function applyChangeSet(
  type: 'CREATE' | 'UPDATE',
  template: { body: string; sha256: string },
  parameters: ParameterValue[],
  stack: StackSummary | undefined,
  options: DeployStackOptions,
  deps: DeployStackDeps,
): Promise<Applied> {
  const { stackName, region } = options;
  const emit = deps.emit;
  const changeSetName = `authstack-${new Date(deps.clock.now()).toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  emit({ type: 'info', message: `${type === 'CREATE' ? 'Creating' : 'Computing'} the change set for ${stackName}${type === 'CREATE' ? ' (new stack)' : ''}…` });
  const created = await deps.cfn.createChangeSet({
    stackName,
    changeSetName,
    type,
    templateBody: template.body,
    parameters,
    description: `authstack deploy (template ${template.sha256.slice(0, 12)})`,
  });
  const changeSet = await waitForChangeSet(created.id, options, deps);
  if (changeSet.status === 'FAILED') {
    await deps.cfn.deleteChangeSet(created.id, stackName).catch(() => undefined);
    if (stack && NO_CHANGES.test(changeSet.statusReason ?? '')) return { kind: 'empty' };
    throw new UserError('deployment', `CloudFormation rejected the change: ${changeSet.statusReason ?? 'no reason given'}`, { code: 'ChangeSetFailed' });
  }
  const changes = changeSet.changes;
  emit({ type: 'change-set', stackName, changes, rows: changeRows(changes) });

  const risky = dangerousChanges(changes);
  if (risky.length > 0) {
    if (!options.allowUserPoolReplacement) {
      await discard(created.id, type, options, deps);
      throw replacementRefused(stackName, risky);
    }
    emit({
      type: 'warn',
      message: `--allow-user-pool-replacement: ${risky.map((c) => c.logicalId).join(', ')} will be replaced or removed; their users and client ids are lost to this stack.`,
    });
  }

  if (options.execute === false) {
    emit({
      type: 'info',
      message: `Change set ${changeSetName} left for review (not executed). Apply it with: aws cloudformation execute-change-set --stack-name ${stackName} --change-set-name ${changeSetName} --region ${region}`,
    });
    return { kind: 'not-executed', changeSetId: created.id, stackId: created.stackId, changes };
  }

  if (!options.yes) {
    let ok: boolean;
    try {
      ok = await deps.confirm(
        `${type === 'CREATE' ? 'Create' : 'Update'} stack ${stackName} in ${region} with these ${changes.length} change${changes.length === 1 ? '' : 's'}?`,
        { changeSetShown: true },
      );
    } catch (err) {
      await discard(created.id, type, options, deps);
      throw err;
    }
    if (!ok) {
      await discard(created.id, type, options, deps);
      throw new UserError('aborted', 'Deploy cancelled; nothing was changed.', { code: 'Declined' });
    }
  }

  // CloudFormation's own clock, not this machine's: a laptop running ahead would hide the operation's events.
  const since = changeSet.creationTime ?? new Date(deps.clock.now());
  await deps.cfn.executeChangeSet(created.id, stackName);
  emit({ type: 'operation-start', stackName, operation: type === 'CREATE' ? 'create' : 'update', resources: changes.length });
  const result = await watch(created.stackId, { since }, type === 'CREATE' ? 'create' : 'update', options, deps);
  if (result.status !== 'CREATE_COMPLETE' && result.status !== 'UPDATE_COMPLETE') throw deployFailed(stackName, region, result, type);

  const after = await deps.cfn.describeStack(created.stackId);
  if (!after) throw new UserError('deployment', `Stack ${stackName} vanished right after its deploy.`, { code: 'StackGone' });
  return { kind: 'executed', stack: after, changes };
}

/**
 * Brings the stack to a state a change set can be made against: waits out another operation, deletes a
 * stack whose first create failed (after confirmation), continues a failed rollback when asked.
 */
async function settleStack(stack: StackSummary | undefined, options: DeployStackOptions, deps: DeployStackDeps): Promise<StackSummary | undefined> {
  const { stackName, region } = options;
  const poll = options.pollIntervalMs ?? 2000;
  if (!stack) return undefined;

  if (!isTerminal(stack.status)) {
    const limit = options.busyTimeoutMs ?? 10 * 60_000;
    if (limit <= 0) throw busy(stack, region);
    deps.emit({ type: 'info', message: `Stack ${stackName} is busy (${stack.status}); waiting up to ${formatMs(limit)} for it to finish…` });
    const deadline = deps.clock.now() + limit;
    while (stack && !isTerminal(stack.status)) {
      if (options.signal?.aborted) throw interrupted(stackName, region, 'update');
      if (deps.clock.now() >= deadline) throw busy(stack, region);
      await deps.clock.sleep(poll, options.signal);
      stack = await deps.cfn.describeStack(stack.stackId);
    }
    if (!stack) return undefined;
    deps.emit({ type: 'info', message: `Stack ${stackName} is now ${stack.status}.` });
  }

  if (stack.status === 'ROLLBACK_COMPLETE' || stack.status === 'REVIEW_IN_PROGRESS') {
    const why =
      stack.status === 'ROLLBACK_COMPLETE'
        ? `Stack ${stackName} is ROLLBACK_COMPLETE: its first create failed, and such a stack can only be deleted.`
        : `Stack ${stackName} is REVIEW_IN_PROGRESS: an earlier create stopped at its change set, so it has no resources.`;
    deps.emit({ type: 'warn', message: why });
    if (!options.yes && !(await deps.confirm(`Delete the empty stack ${stackName} and create it again?`))) {
      throw new UserError('aborted', `Stack ${stackName} left as it is (${stack.status}).`, {
        code: 'Declined',
        hint: `Delete it (authstack destroy --stack ${stackName}) and deploy again`,
      });
    }
    await removeStack(stack, options, deps);
    return undefined;
  }

  if (stack.status === 'UPDATE_ROLLBACK_FAILED') {
    if (!options.continueRollback) {
      throw new UserError(
        'deployment',
        `Stack ${stackName} is UPDATE_ROLLBACK_FAILED: an update failed and CloudFormation could not roll some resource back${stack.statusReason ? ` (${stack.statusReason})` : ''}.`,
        {
          code: 'UpdateRollbackFailed',
          hint: `Fix what the reason names (often a resource changed by hand), then run authstack deploy --continue-rollback`,
        },
      );
    }
    deps.emit({ type: 'info', message: `Continuing the rollback of ${stackName}…` });
    const mark = await eventMark(deps.cfn, stack.stackId);
    await deps.cfn.continueUpdateRollback(stack.stackId);
    deps.emit({ type: 'operation-start', stackName, operation: 'rollback', resources: 0 });
    const result = await watch(stack.stackId, mark, 'rollback', options, deps);
    if (result.status !== 'UPDATE_ROLLBACK_COMPLETE') {
      const failure = firstFailure(result.events);
      throw new UserError(
        'deployment',
        `The rollback of ${stackName} failed again (${result.status})${failure ? `: ${failure.logicalId}: ${failure.reason ?? 'no reason given'}` : ''}.`,
        {
          code: 'UpdateRollbackFailed',
          hint: 'Fix the resource by hand, or skip it: aws cloudformation continue-update-rollback --resources-to-skip <logical id>',
        },
      );
    }
    return deps.cfn.describeStack(stack.stackId);
  }

  if (stack.status === 'ROLLBACK_FAILED' || stack.status === 'DELETE_FAILED') {
    throw new UserError('deployment', `Stack ${stackName} is ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''} and cannot be updated.`, {
      code: 'StackFailed',
      hint: `Delete it with authstack destroy --stack ${stackName} (the user pool is kept), then deploy again`,
    });
  }

  if (!STABLE.has(stack.status)) {
    throw new UserError('deployment', `Stack ${stackName} is ${stack.status}, a state authstack cannot deploy over.`, { code: 'StackState' });
  }
  return stack;
}

async function removeStack(stack: StackSummary, options: DeployStackOptions, deps: DeployStackDeps): Promise<void> {
  const mark = await eventMark(deps.cfn, stack.stackId);
  await deps.cfn.deleteStack(stack.stackId);
  deps.emit({ type: 'operation-start', stackName: options.stackName, operation: 'delete', resources: 0 });
  const result = await watch(stack.stackId, mark, 'delete', options, deps);
  if (result.status !== 'DELETE_COMPLETE') {
    const failure = firstFailure(result.events);
    throw new UserError(
      'deployment',
      `Could not delete stack ${options.stackName} (${result.status})${failure ? `: ${failure.logicalId}: ${failure.reason ?? ''}` : ''}.`,
      {
        code: 'DeleteFailed',
      },
    );
  }
}

async function hostedZoneFor(
  domain: NonNullable<DeployStackOptions['domain']>,
  stack: StackSummary | undefined,
  deps: DeployStackDeps,
  emit: DeploySink,
): Promise<string> {
  const name = domain.name;
  const deployedZone = stack?.parameters[PARAMETERS.hostedZoneId];
  // Already deployed with this domain: the zone was found and checked then; a no-op deploy stays a few calls.
  if (stack?.parameters[PARAMETERS.domainName] === name && deployedZone && (!domain.hostedZoneId || domain.hostedZoneId === deployedZone)) {
    return deployedZone;
  }
  const zone = await findHostedZone(await deps.route53(), name, domain.hostedZoneId);
  emit({ type: 'info', message: `Hosted zone for ${name}: ${zone.name} (${zone.id}).` });
  if (domain.skipDnsCheck) {
    emit({ type: 'warn', message: 'Skipping the DNS delegation check (--skip-dns-check).' });
    return zone.id;
  }
  const check = await checkDelegation(zone, deps.resolveNs);
  if (check.ok === false) throw delegationError(zone, check);
  if (check.ok === 'unknown') {
    emit({
      type: 'warn',
      message: `Could not look up the public name servers of ${zone.name} (${check.error}); if the certificate stays pending, check the delegation.`,
    });
  }
  return zone.id;
}

function parameterValues(names: readonly string[], desired: Record<string, string>, stack: StackSummary | undefined): ParameterValue[] {
  const values: ParameterValue[] = [];
  for (const key of names) {
    if (desired[key] !== undefined) values.push({ key, value: desired[key] });
    else if (stack && key in stack.parameters) values.push({ key, usePreviousValue: true });
  }
  const unknown = Object.keys(desired).filter((k) => !names.includes(k));
  if (unknown.length) {
    throw new UserError('usage', `The template has no parameter ${unknown.join(', ')}.`, {
      code: 'UnknownParameter',
      hint: `Known parameters: ${names.join(', ')}`,
    });
  }
  return values;
}

async function waitForChangeSet(id: string, options: DeployStackOptions, deps: DeployStackDeps): Promise<ChangeSetDescription> {
  const poll = options.pollIntervalMs ?? 2000;
  try {
    return await deps.cfn.waitForChangeSet(id, options.stackName, {
      maxWaitSeconds: 10 * 60,
      minDelaySeconds: Math.min(poll, 1000) / 1000,
      maxDelaySeconds: 5,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof WaitAborted) throw interrupted(options.stackName, options.region, 'change-set');
    throw err;
  }
}

/** Deletes a change set that will not be executed; a stack that exists only because of it goes too. */
async function discard(changeSetId: string, type: 'CREATE' | 'UPDATE', options: DeployStackOptions, deps: DeployStackDeps): Promise<void> {
  try {
    await deps.cfn.deleteChangeSet(changeSetId, options.stackName);
    if (type === 'CREATE') await deps.cfn.deleteStack(options.stackName);
  } catch {
    // Leftovers are harmless: the next deploy recreates a REVIEW_IN_PROGRESS stack after asking.
  }
}

async function watch(
  stackId: string,
  { since, seen }: { since: Date; seen?: string[] },
  operation: 'create' | 'update' | 'delete' | 'rollback',
  options: DeployStackOptions,
  deps: DeployStackDeps,
): Promise<WatchResult> {
  const certificate = options.domain && operation !== 'delete' ? certificateWatcher(stackId, options, deps) : undefined;
  try {
    const result = await watchStack({
      cfn: deps.cfn,
      stack: stackId,
      since,
      seen,
      clock: deps.clock,
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      signal: options.signal,
      onEvent: (event) => {
        deps.emit({ type: 'stack-event', event });
        certificate?.onEvent(event);
      },
      onTick: () => certificate?.onTick(),
    });
    const ok = operation === 'rollback' ? result.status === 'UPDATE_ROLLBACK_COMPLETE' : !isFailureStatus(result.status);
    deps.emit({ type: 'operation-end', status: result.status, ok });
    return result;
  } catch (err) {
    if (err instanceof Interrupted) throw interrupted(options.stackName, options.region, operation);
    throw err;
  }
}

/** Shows the certificate's status and validation record while CloudFormation waits for it, and gives up in time. */
function certificateWatcher(stackId: string, options: DeployStackOptions, deps: DeployStackDeps) {
  let startedAt: number | undefined;
  let arn: string | undefined;
  let done = false;
  let last = '';
  let state: CertificateState | undefined;
  const limit = options.certificateTimeoutMs ?? 30 * 60_000;
  return {
    onEvent(event: StackEvent) {
      if (event.logicalId !== LOGICAL_IDS.certificate) return;
      if (event.status === 'CREATE_IN_PROGRESS' || event.status === 'UPDATE_IN_PROGRESS') {
        startedAt ??= deps.clock.now();
        if (event.physicalId?.startsWith('arn:')) arn = event.physicalId;
      } else {
        done = true;
      }
    },
    async onTick() {
      if (startedAt === undefined || done) return;
      arn ??= await deps.cfn.physicalId(stackId, LOGICAL_IDS.certificate);
      if (arn?.startsWith('arn:')) {
        state = await (await deps.acm()).describeCertificate(arn);
        const key = JSON.stringify([state.status, state.validationRecords]);
        if (key !== last) {
          last = key;
          deps.emit({ type: 'certificate', certificate: state });
        }
        if (state.status !== 'PENDING_VALIDATION') return;
      }
      if (deps.clock.now() - startedAt >= limit) {
        const record = state?.validationRecords[0];
        throw new UserError(
          'deployment',
          `The certificate for ${options.domain!.name} is still ${state?.status ?? 'pending'} after ${formatMs(limit)}: ACM has not seen its validation record${record ? ` (${record.name} ${record.type} ${record.value})` : ''} in the public DNS.`,
          {
            code: 'CertificateTimeout',
            hint: `Check the domain's delegation and that the record resolves. The stack keeps waiting in CloudFormation: follow it with "authstack status --stack ${options.stackName}", or stop it with ${stopCommand(options)}`,
          },
        );
      }
    },
  };
}

function stopCommand(options: DeployStackOptions): string {
  const args = `--stack-name ${options.stackName} --region ${options.region}`;
  return `"aws cloudformation cancel-update-stack ${args}" (an update) or "aws cloudformation delete-stack ${args}" (a first create)`;
}

function deployFailed(_stackName: string, region: string, result: WatchResult, type: 'CREATE' | 'UPDATE'): UserError {
  const failure = firstFailure(result.events);
  const where = failure
    ? `${failure.logicalId} (${failure.resourceType}) ${failure.status}: ${failure.reason ?? 'no reason given'}`
    : (result.statusReason ?? 'no reason given');
  return new UserError('deployment', `Deploy failed: ${where}. The stack is now ${result.status}.`, {
    code: 'DeployFailed',
    hint:
      type === 'CREATE'
        ? 'Fix the cause and run authstack deploy again; it offers to delete the failed stack first'
        : 'The previous version is still serving; fix the cause and deploy again',
    details: { stackStatus: result.status, resource: failure?.logicalId, reason: failure?.reason, region },
  });
}

function busy(stack: StackSummary, region: string): UserError {
  return new UserError('deployment', `Stack ${stack.stackName} is busy with another operation (${stack.status}).`, {
    code: 'StackBusy',
    hint: `Wait for it to finish (authstack status --stack ${stack.stackName}), then deploy again; or pass --busy-timeout to wait longer`,
    details: { stackStatus: stack.status, region },
  });
}

function interrupted(stackName: string, region: string, operation: string): UserError {
  const rollBack =
    operation === 'create'
      ? `delete it with "aws cloudformation delete-stack --stack-name ${stackName} --region ${region}"`
      : operation === 'update'
        ? `roll it back with "aws cloudformation cancel-update-stack --stack-name ${stackName} --region ${region}"`
        : `check it with "authstack status --stack ${stackName}"`;
  return interruptedError(
    operation === 'code'
      ? 'Stopped before the stack changed: nothing was deployed.'
      : 'Stopped watching: the deployment goes on in CloudFormation without authstack.',
    `Follow it with "authstack status --stack ${stackName}", or ${rollBack}`,
  );
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
