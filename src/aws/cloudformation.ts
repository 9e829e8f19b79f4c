/**
 * The CloudFormation calls authstack makes, and nothing else. Deploy, status and destroy see only this
 * interface; tests drive it with the in-memory fake behind the real SDK client.
 */
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  waitUntilChangeSetCreateComplete,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import type { AwsFactory } from '../core/aws.js';
import { UserError, errorMessage } from '../core/errors.js';
import { awsError, call, errorName, type AwsCallSettings } from './errors.js';

export interface StackSummary {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  creationTime?: Date;
  lastUpdatedTime?: Date;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
}

export interface ResourceChange {
  action: string;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  /** `True`, `False` or `Conditional` for a Modify; empty for Add and Remove. */
  replacement: string;
}

export interface ChangeSetDescription {
  id: string;
  status: string;
  statusReason?: string;
  executionStatus?: string;
  /** When CloudFormation created it, by CloudFormation's clock: the operation's events are no older. */
  creationTime?: Date;
  changes: ResourceChange[];
}

export interface StackEvent {
  eventId: string;
  timestamp: Date;
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  status: string;
  reason?: string;
}

export interface ParameterValue {
  key: string;
  value?: string;
  usePreviousValue?: boolean;
}

interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  type: 'CREATE' | 'UPDATE';
  templateBody: string;
  parameters: ParameterValue[];
  description?: string;
  tags?: Record<string, string>;
}

export interface CloudFormationApi {
  /** The stack, or undefined when no stack of that name exists (deleted stacks included). */
  describeStack(stackName: string): Promise<StackSummary | undefined>;
  /** The template text as it was last submitted. */
  getTemplate(stackName: string): Promise<string>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ id: string; stackId: string }>;
  /** The change set with all its changes (every page). */
  describeChangeSet(changeSetId: string, stackName: string): Promise<ChangeSetDescription>;
  /**
   * Waits (with the SDK's waiter) until the change set is computed: `CREATE_COMPLETE`, or `FAILED` (which is also
   * how CloudFormation reports a change set with no changes), then describes it. Throws `ChangeSetTimeout` after
   * `maxWaitSeconds`, and `WaitAborted` when `signal` aborts.
   */
  waitForChangeSet(changeSetId: string, stackName: string, options: WaitOptions): Promise<ChangeSetDescription>;
  executeChangeSet(changeSetId: string, stackName: string): Promise<void>;
  deleteChangeSet(changeSetId: string, stackName: string): Promise<void>;
  deleteStack(stackName: string): Promise<void>;
  continueUpdateRollback(stackName: string): Promise<void>;
  /** One page of events, newest first. */
  describeStackEvents(stackName: string, nextToken?: string): Promise<{ events: StackEvent[]; nextToken?: string }>;
  /** The physical id of one resource, or undefined when the stack has no such resource (yet). */
  physicalId(stackName: string, logicalId: string): Promise<string | undefined>;
}

interface WaitOptions {
  readonly maxWaitSeconds: number;
  /** The shortest time between polls; the SDK's waiter backs off from it up to `maxDelaySeconds`. */
  readonly minDelaySeconds: number;
  readonly maxDelaySeconds: number;
  readonly signal?: AbortSignal;
}

/** A waiter stopped because its signal aborted; the operation it watched goes on in AWS. */
export class WaitAborted extends Error {
  constructor() {
    super('the wait was aborted');
    this.name = 'WaitAborted';
  }
}

/** The SDK waiter's options from ours: a minimum delay that is always below the total wait, as it requires. */
function waiterConfig<C>(client: C, options: WaitOptions) {
  const minDelay = Math.max(0.001, Math.min(options.minDelaySeconds, options.maxWaitSeconds / 2));
  return { client, maxWaitTime: options.maxWaitSeconds, minDelay, maxDelay: Math.max(minDelay, options.maxDelaySeconds), abortSignal: options.signal };
}

const DOES_NOT_EXIST = /does not exist/i;

export function cloudFormationApi(client: CloudFormationClient, settings: AwsCallSettings = {}): CloudFormationApi {
  const where: AwsCallSettings = { ...settings, service: 'CloudFormation' };
  const run = <T>(what: string, fn: () => Promise<T>): Promise<T> => call(what, fn, where);
  return {
    async describeStack(stackName) {
      try {
        const res = await client.send(new DescribeStacksCommand({ StackName: stackName }));
        const s = res.Stacks?.[0];
        if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
        return {
          stackId: s.StackId ?? stackName,
          stackName: s.StackName ?? stackName,
          status: s.StackStatus ?? 'UNKNOWN',
          statusReason: s.StackStatusReason,
          creationTime: s.CreationTime,
          lastUpdatedTime: s.LastUpdatedTime,
          parameters: Object.fromEntries((s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
          outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
          tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        };
      } catch (err) {
        if (errorName(err) === 'ValidationError' && DOES_NOT_EXIST.test(errorMessage(err))) return undefined;
        throw awsError(err, `describe the stack ${stackName}`, where);
      }
    },
    getTemplate: (stackName) =>
      run(`read the template of ${stackName}`, async () => {
        const res = await client.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
        return res.TemplateBody ?? '';
      }),
    createChangeSet: (input) =>
      run(`create a change set for ${input.stackName}`, async () => {
        const res = await client.send(
          new CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.changeSetName,
            ChangeSetType: input.type,
            TemplateBody: input.templateBody,
            Parameters: input.parameters.map((p) =>
              p.usePreviousValue ? { ParameterKey: p.key, UsePreviousValue: true } : { ParameterKey: p.key, ParameterValue: p.value },
            ),
            // The function's role has no fixed name, so CAPABILITY_IAM is enough.
            Capabilities: ['CAPABILITY_IAM'],
            Description: input.description,
            Tags: input.tags ? Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
          }),
        );
        return { id: res.Id ?? input.changeSetName, stackId: res.StackId ?? input.stackName };
      }),
    describeChangeSet: (changeSetId, stackName) =>
      run('describe the change set', async () => {
        const changes: ResourceChange[] = [];
        let nextToken: string | undefined;
        let first: ChangeSetDescription | undefined;
        do {
          const res = await client.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackName, NextToken: nextToken }));
          first ??= {
            id: res.ChangeSetId ?? changeSetId,
            status: res.Status ?? 'UNKNOWN',
            statusReason: res.StatusReason,
            executionStatus: res.ExecutionStatus,
            creationTime: res.CreationTime,
            changes,
          };
          for (const change of res.Changes ?? []) {
            const rc = change.ResourceChange;
            if (!rc) continue;
            changes.push({
              action: rc.Action ?? '',
              logicalId: rc.LogicalResourceId ?? '',
              physicalId: rc.PhysicalResourceId,
              resourceType: rc.ResourceType ?? '',
              replacement: rc.Replacement ?? '',
            });
          }
          nextToken = res.NextToken;
        } while (nextToken);
        return first;
      }),
    async waitForChangeSet(changeSetId, stackName, options) {
      // The waiter ends in FAILURE for a FAILED change set, and the reason matters (no changes is one), so
      // either way the change set is described afterwards; only a time-out or an abort ends differently.
      const result = await waitUntilChangeSetCreateComplete(waiterConfig(client, options), { ChangeSetName: changeSetId, StackName: stackName }).catch(
        (err: unknown) => {
          if (errorName(err) === 'AbortError' || options.signal?.aborted) throw new WaitAborted();
          if (errorName(err) === 'TimeoutError') {
            throw new UserError('deployment', `The change set for ${stackName} was still being computed after ${options.maxWaitSeconds} s.`, {
              code: 'ChangeSetTimeout',
            });
          }
          if (/"state":"FAILURE"/.test(errorMessage(err))) return undefined;
          throw awsError(err, 'wait for the change set', where);
        },
      );
      if (options.signal?.aborted && !result) throw new WaitAborted();
      return this.describeChangeSet(changeSetId, stackName);
    },
    executeChangeSet: (changeSetId, stackName) =>
      run('execute the change set', async () => {
        await client.send(new ExecuteChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackName }));
      }),
    deleteChangeSet: (changeSetId, stackName) =>
      run('delete the change set', async () => {
        await client.send(new DeleteChangeSetCommand({ ChangeSetName: changeSetId, StackName: stackName }));
      }),
    deleteStack: (stackName) =>
      run(`delete the stack ${stackName}`, async () => {
        await client.send(new DeleteStackCommand({ StackName: stackName }));
      }),
    continueUpdateRollback: (stackName) =>
      run(`continue the rollback of ${stackName}`, async () => {
        await client.send(new ContinueUpdateRollbackCommand({ StackName: stackName }));
      }),
    describeStackEvents: (stackName, nextToken) =>
      run(`read the events of ${stackName}`, async () => {
        const res = await client.send(new DescribeStackEventsCommand({ StackName: stackName, NextToken: nextToken }));
        return {
          events: (res.StackEvents ?? []).map((e) => ({
            eventId: e.EventId ?? '',
            timestamp: e.Timestamp ?? new Date(0),
            logicalId: e.LogicalResourceId ?? '',
            physicalId: e.PhysicalResourceId,
            resourceType: e.ResourceType ?? '',
            status: e.ResourceStatus ?? '',
            reason: e.ResourceStatusReason,
          })),
          nextToken: res.NextToken,
        };
      }),
    async physicalId(stackName, logicalId) {
      try {
        const res = await client.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }));
        return res.StackResourceDetail?.PhysicalResourceId || undefined;
      } catch (err) {
        if (errorName(err) === 'ValidationError' && DOES_NOT_EXIST.test(errorMessage(err))) return undefined;
        throw awsError(err, `look up ${logicalId} in ${stackName}`, where);
      }
    },
  };
}

export async function cloudFormation(aws: AwsFactory): Promise<CloudFormationApi> {
  return cloudFormationApi(await aws.cloudformation(), aws.settings);
}
