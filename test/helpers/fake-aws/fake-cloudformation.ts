/**
 * An in-memory CloudFormation, good enough to drive `deployStack` and `destroyStack` through every path they
 * take. Its behaviour is written down in `fake-cloudformation.md` and checked by
 * `test/unit/deploy/fake-cloudformation.test.ts`. Time does not pass by itself: every DescribeStacks and
 * DescribeStackEvents call advances running operations by `stepsPerPoll` steps, so tests are fast and exact.
 */
import { createHash } from 'node:crypto';
import { parseTemplate, type CfnTemplate } from '../../../src/deploy/template.js';
import { fakeError } from './errors.js';

export interface FakeEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  Timestamp: Date;
}

export interface FakeResource {
  logicalId: string;
  type: string;
  physicalId: string;
  /** Properties with intrinsics resolved, as they were when last created or updated. */
  properties: Record<string, unknown>;
  /** The template's own JSON of the resource, to tell what changed. */
  raw: string;
  status: string;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
}

/**
 * Why a resource's physical instance is going away, which decides the policy that applies (CloudFormation user
 * guide, DeletionPolicy and UpdateReplacePolicy attributes):
 * - `stack-delete` and `removed` (gone from the template in an update): DeletionPolicy; `Retain` and
 *   `RetainExceptOnCreate` keep it.
 * - `replaced` (an update made a new one): UpdateReplacePolicy; `Retain` keeps the old one. DeletionPolicy
 *   does not apply.
 * - `rollback-of-create` (the operation that created it rolled back): DeletionPolicy `Retain` keeps it;
 *   `RetainExceptOnCreate` deletes it, which is what it is for.
 */
export type RemovalCause = 'stack-delete' | 'removed' | 'replaced' | 'rollback-of-create';

function keptOnRemoval(r: Pick<FakeResource, 'deletionPolicy' | 'updateReplacePolicy'>, cause: RemovalCause): boolean {
  switch (cause) {
    case 'stack-delete':
    case 'removed':
      return r.deletionPolicy === 'Retain' || r.deletionPolicy === 'RetainExceptOnCreate';
    case 'replaced':
      return r.updateReplacePolicy === 'Retain';
    case 'rollback-of-create':
      return r.deletionPolicy === 'Retain';
  }
}

interface FakeChange {
  Action: 'Add' | 'Modify' | 'Remove';
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: 'True' | 'False' | 'Conditional';
}

interface FakeChangeSet {
  id: string;
  name: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  statusReason?: string;
  executionStatus: string;
  templateBody: string;
  template: CfnTemplate;
  parameters: Record<string, string>;
  changes: FakeChange[];
  describes: number;
  creationTime: Date;
}

export interface FakeStack {
  stackId: string;
  name: string;
  /** The region the stack was created in (`AWS::Region`). */
  region: string;
  status: string;
  statusReason?: string;
  templateBody: string;
  template: CfnTemplate;
  parameters: Record<string, string>;
  resources: Map<string, FakeResource>;
  events: FakeEvent[];
  changeSets: Map<string, FakeChangeSet>;
  creationTime: Date;
  lastUpdatedTime?: Date;
  tags: Record<string, string>;
  /** Steps of the running operation; a step returns false to stay at the head (waiting). */
  steps: Array<() => boolean>;
}

/** What other fake services learn from the stack (a function, a pool, a certificate appears). */
export interface ResourceHooks {
  created?(resource: FakeResource, stack: FakeStack): void;
  updated?(resource: FakeResource, previous: FakeResource, stack: FakeStack): void;
  deleted?(resource: FakeResource, stack: FakeStack): void;
  /** Return false to keep the resource CREATE_IN_PROGRESS for now (a certificate awaiting validation). */
  ready?(resource: FakeResource, stack: FakeStack): boolean;
  /**
   * The reason the service refuses to create or update the resource with these (resolved) properties, as its
   * handler would answer (a function whose code object is missing); undefined when it accepts them.
   */
  refuse?(resource: FakeResource, previous: FakeResource | undefined, stack: FakeStack): string | undefined;
}

/**
 * Property changes that replace a resource, per type: a short, real subset of the CloudFormation resource
 * reference ("Update requires: Replacement"), enough for the user pool guard to meet real cases.
 */
const REPLACING_PROPERTIES: Record<string, string[]> = {
  'AWS::Cognito::UserPool': ['UsernameAttributes', 'AliasAttributes'],
  'AWS::Cognito::UserPoolClient': ['UserPoolId', 'GenerateSecret'],
  'AWS::Cognito::UserPoolDomain': ['UserPoolId', 'Domain'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::ApiGateway::Stage': ['StageName', 'RestApiId'],
  'AWS::ApiGateway::Resource': ['PathPart', 'ParentId', 'RestApiId'],
  'AWS::ApiGateway::DomainName': ['DomainName'],
  'AWS::CertificateManager::Certificate': ['DomainName', 'DomainValidationOptions', 'ValidationMethod', 'SubjectAlternativeNames'],
  'AWS::Route53::RecordSet': ['Name', 'Type', 'HostedZoneId'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
};

const UPDATABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);
export const ACCOUNT = '123456789012';

export interface FakeCloudFormationOptions {
  region?: string;
  /** Steps a running operation advances on each DescribeStacks / DescribeStackEvents call. Default 3. */
  stepsPerPoll?: number;
  /** DescribeChangeSet calls answered CREATE_IN_PROGRESS before the change set is ready. Default 1. */
  changeSetPolls?: number;
  /** Events per DescribeStackEvents page. Default 100. */
  eventPageSize?: number;
  now?: () => number;
  hooks?: ResourceHooks;
}

export class FakeCloudFormation {
  readonly region: string;
  stepsPerPoll: number;
  changeSetPolls: number;
  eventPageSize: number;
  hooks: ResourceHooks;
  private readonly now: () => number;
  private readonly stacks: FakeStack[] = [];
  private counter = 0;
  /** logicalId → reason: the resource fails when created or updated. */
  readonly failures = new Map<string, string>();
  /** logicalId → reason: rolling this resource back fails (UPDATE_ROLLBACK_FAILED). */
  readonly rollbackFailures = new Map<string, string>();
  /** logicalId → Replacement value reported for it in the next change sets, whatever changed. */
  readonly replacementOverrides = new Map<string, 'True' | 'Conditional' | 'False'>();

  constructor(options: FakeCloudFormationOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.stepsPerPoll = options.stepsPerPoll ?? 3;
    this.changeSetPolls = options.changeSetPolls ?? 1;
    this.eventPageSize = options.eventPageSize ?? 100;
    this.now = options.now ?? Date.now;
    this.hooks = options.hooks ?? {};
  }

  /**
   * Answers one API call, as the SDK client would return it (without $metadata). `region`: the one the client was
   * made for (default the fake's); a stack lives in the region of the call that created it.
   */
  handle(operation: string, input: any, region: string = this.region): unknown {
    switch (operation) {
      case 'DescribeStacks':
        return this.describeStacks(input);
      case 'DescribeStackEvents':
        return this.describeStackEvents(input);
      case 'GetTemplate':
        return { TemplateBody: this.stack(input.StackName, true).templateBody };
      case 'CreateChangeSet':
        return this.createChangeSet(input, region);
      case 'DescribeChangeSet':
        return this.describeChangeSet(input);
      case 'ExecuteChangeSet':
        return this.executeChangeSet(input);
      case 'DeleteChangeSet':
        return this.deleteChangeSet(input);
      case 'DeleteStack':
        return this.deleteStack(input);
      case 'ContinueUpdateRollback':
        return this.continueUpdateRollback(input);
      case 'DescribeStackResource':
        return this.describeStackResource(input);
      default:
        throw fakeError('InvalidAction', `The fake CloudFormation does not implement ${operation}.`);
    }
  }

  // ---- test controls -------------------------------------------------------------------------------------

  /** The live stack of that name (or id), if any. */
  get(nameOrId: string): FakeStack | undefined {
    return this.find(nameOrId, false);
  }

  /** Runs every pending step of every operation (as if a long time passed). Waiting steps stay. */
  settle(maxSteps = 10_000): void {
    for (let i = 0; i < maxSteps; i++) if (!this.advanceAll(1)) return;
  }

  /** Puts a stack straight into a status (for states hard to reach otherwise). */
  setStatus(nameOrId: string, status: string, reason?: string): void {
    const s = this.stack(nameOrId, true);
    s.status = status;
    s.statusReason = reason;
    this.event(s, {
      LogicalResourceId: s.name,
      PhysicalResourceId: s.stackId,
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: status,
      ResourceStatusReason: reason,
    });
  }

  /** Makes another client's operation run on the stack: busy for `polls` advances, then `finalStatus`. */
  startOtherOperation(nameOrId: string, polls: number, inProgress = 'UPDATE_IN_PROGRESS', finalStatus = 'UPDATE_COMPLETE'): void {
    const s = this.stack(nameOrId, true);
    this.setStatus(s.stackId, inProgress, 'User Initiated');
    let left = polls;
    s.steps.push(() => left-- <= 0);
    s.steps.push(() => {
      this.setStatus(s.stackId, finalStatus);
      return true;
    });
  }

  // ---- the API -------------------------------------------------------------------------------------------

  private describeStacks(input: { StackName?: string }) {
    this.advanceAll(this.stepsPerPoll);
    const list = input.StackName ? [this.stack(input.StackName, true)] : this.stacks.filter((s) => s.status !== 'DELETE_COMPLETE');
    return {
      Stacks: list.map((s) => ({
        StackId: s.stackId,
        StackName: s.name,
        StackStatus: s.status,
        StackStatusReason: s.statusReason,
        CreationTime: s.creationTime,
        LastUpdatedTime: s.lastUpdatedTime,
        Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
        Outputs: s.status === 'REVIEW_IN_PROGRESS' ? undefined : this.outputs(s),
        Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }

  private describeStackEvents(input: { StackName: string; NextToken?: string }) {
    this.advanceAll(this.stepsPerPoll);
    const s = this.stack(input.StackName, true);
    const newestFirst = [...s.events].reverse();
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = newestFirst.slice(start, start + this.eventPageSize);
    const next = start + this.eventPageSize < newestFirst.length ? String(start + this.eventPageSize) : undefined;
    return { StackEvents: page, NextToken: next };
  }

  private createChangeSet(input: any, region: string) {
    const name: string = input.ChangeSetName;
    if (!/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(name ?? ''))
      throw fakeError('ValidationError', `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint`);
    let template: CfnTemplate;
    try {
      template = parseTemplate(input.TemplateBody);
    } catch (err) {
      throw fakeError('ValidationError', `Template format error: ${(err as Error).message}`);
    }
    const type: 'CREATE' | 'UPDATE' = input.ChangeSetType ?? 'UPDATE';
    let stack = this.find(input.StackName, false);
    if (type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') throw fakeError('AlreadyExistsException', `Stack [${input.StackName}] already exists`);
      if (!stack) {
        stack = {
          stackId: `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${input.StackName}/${this.uuid()}`,
          name: input.StackName,
          region,
          status: 'REVIEW_IN_PROGRESS',
          templateBody: '',
          template: { Resources: {} },
          parameters: {},
          resources: new Map(),
          events: [],
          changeSets: new Map(),
          creationTime: new Date(this.now()),
          tags: {},
          steps: [],
        };
        this.stacks.push(stack);
        this.event(stack, {
          LogicalResourceId: stack.name,
          PhysicalResourceId: stack.stackId,
          ResourceType: 'AWS::CloudFormation::Stack',
          ResourceStatus: 'REVIEW_IN_PROGRESS',
          ResourceStatusReason: 'User Initiated',
        });
      }
    } else {
      if (!stack) throw fakeError('ValidationError', `Stack [${input.StackName}] does not exist`);
      if (!UPDATABLE.has(stack.status)) throw fakeError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    if ([...stack.changeSets.values()].some((c) => c.name === name)) throw fakeError('AlreadyExistsException', `ChangeSet ${name} already exists`);
    const needsIam = Object.values(template.Resources).some((r) => r.Type.startsWith('AWS::IAM::'));
    if (needsIam && !(input.Capabilities ?? []).some((c: string) => c === 'CAPABILITY_IAM' || c === 'CAPABILITY_NAMED_IAM')) {
      throw fakeError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]');
    }
    const parameters = this.resolveParameters(template, input.Parameters ?? [], type === 'UPDATE' ? stack : undefined);
    const changes = this.diff(stack, template, parameters);
    const cs: FakeChangeSet = {
      id: `arn:aws:cloudformation:${this.region}:${ACCOUNT}:changeSet/${name}/${this.uuid()}`,
      name,
      stackId: stack.stackId,
      type,
      status: 'CREATE_IN_PROGRESS',
      executionStatus: 'UNAVAILABLE',
      templateBody: input.TemplateBody,
      template,
      parameters,
      changes,
      describes: 0,
      creationTime: new Date(this.now()),
    };
    stack.changeSets.set(cs.id, cs);
    return { Id: cs.id, StackId: stack.stackId };
  }

  private describeChangeSet(input: { ChangeSetName: string; StackName?: string; NextToken?: string }) {
    const cs = this.changeSet(input.ChangeSetName, input.StackName);
    cs.describes++;
    if (cs.status === 'CREATE_IN_PROGRESS' && cs.describes > this.changeSetPolls) {
      if (cs.changes.length === 0) {
        cs.status = 'FAILED';
        cs.statusReason = "The submitted information didn't contain changes. Submit different information to create a change set.";
      } else {
        cs.status = 'CREATE_COMPLETE';
        cs.executionStatus = 'AVAILABLE';
      }
    }
    const pageSize = 50;
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const ready = cs.status === 'CREATE_COMPLETE';
    return {
      ChangeSetId: cs.id,
      ChangeSetName: cs.name,
      StackId: cs.stackId,
      Status: cs.status,
      StatusReason: cs.statusReason,
      ExecutionStatus: cs.executionStatus,
      CreationTime: cs.creationTime,
      Changes: ready ? cs.changes.slice(start, start + pageSize).map((rc) => ({ Type: 'Resource', ResourceChange: rc })) : [],
      NextToken: ready && start + pageSize < cs.changes.length ? String(start + pageSize) : undefined,
    };
  }

  private executeChangeSet(input: { ChangeSetName: string; StackName?: string }) {
    const cs = this.changeSet(input.ChangeSetName, input.StackName);
    const stack = this.stack(cs.stackId, true);
    if (cs.executionStatus !== 'AVAILABLE') {
      throw fakeError('InvalidChangeSetStatusException', `ChangeSet [${cs.id}] cannot be executed in its current execution status of [${cs.executionStatus}]`);
    }
    if (cs.type === 'UPDATE' && !UPDATABLE.has(stack.status))
      throw fakeError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    // CloudFormation drops a stack's other change sets once one is executed.
    stack.changeSets.clear();
    if (cs.type === 'CREATE') this.planCreate(stack, cs);
    else this.planUpdate(stack, cs);
    this.runFirstStep(stack);
    return {};
  }

  private deleteChangeSet(input: { ChangeSetName: string; StackName?: string }) {
    const cs = this.changeSet(input.ChangeSetName, input.StackName);
    if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') throw fakeError('InvalidChangeSetStatusException', 'Cannot delete a change set that is executing');
    this.stack(cs.stackId, true).changeSets.delete(cs.id);
    return {};
  }

  private deleteStack(input: { StackName: string }) {
    const s = this.find(input.StackName, false);
    if (!s) return {}; // Deleting a stack that does not exist succeeds, as in CloudFormation.
    if (s.status === 'DELETE_IN_PROGRESS') return {};
    if (s.status.endsWith('_IN_PROGRESS') && s.status !== 'REVIEW_IN_PROGRESS') {
      throw fakeError('ValidationError', `Stack [${s.name}] cannot be deleted while in status ${s.status}`);
    }
    s.changeSets.clear();
    this.stackStep(s, 'DELETE_IN_PROGRESS', 'User Initiated');
    for (const r of this.reverseOrder(s)) this.planDelete(s, r, 'stack-delete');
    s.steps.push(() => {
      const failed = [...s.resources.values()].filter((r) => r.status === 'DELETE_FAILED');
      if (failed.length)
        this.setStatus(s.stackId, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.map((r) => r.logicalId).join(', ')}].`);
      else this.setStatus(s.stackId, 'DELETE_COMPLETE');
      return true;
    });
    this.runFirstStep(s);
    return {};
  }

  private continueUpdateRollback(input: { StackName: string }) {
    const s = this.stack(input.StackName, false);
    if (s.status !== 'UPDATE_ROLLBACK_FAILED')
      throw fakeError('ValidationError', `Stack ${s.stackId} is in ${s.status} state and can not continue the rollback.`);
    this.rollbackFailures.clear();
    this.stackStep(s, 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated');
    for (const r of s.resources.values()) {
      if (r.status !== 'UPDATE_FAILED') continue;
      s.steps.push(() => this.resourceEvent(s, r, 'UPDATE_COMPLETE'));
    }
    this.stackStep(s, 'UPDATE_ROLLBACK_COMPLETE');
    this.runFirstStep(s);
    return {};
  }

  private describeStackResource(input: { StackName: string; LogicalResourceId: string }) {
    const s = this.stack(input.StackName, true);
    const r = s.resources.get(input.LogicalResourceId);
    if (!r) throw fakeError('ValidationError', `Resource ${input.LogicalResourceId} does not exist for stack ${s.name}`);
    return {
      StackResourceDetail: {
        StackName: s.name,
        StackId: s.stackId,
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: r.status,
        LastUpdatedTimestamp: new Date(this.now()),
      },
    };
  }

  // ---- planning operations -------------------------------------------------------------------------------

  private planCreate(stack: FakeStack, cs: FakeChangeSet) {
    stack.template = cs.template;
    stack.templateBody = cs.templateBody;
    stack.parameters = cs.parameters;
    stack.creationTime = new Date(this.now());
    this.stackStep(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
    let failed: string | undefined;
    for (const id of this.order(cs.template, cs.parameters)) {
      const def = cs.template.Resources[id]!;
      stack.steps.push(() => {
        if (failed) return true;
        const r: FakeResource = {
          logicalId: id,
          type: def.Type,
          physicalId: '',
          properties: {},
          raw: JSON.stringify(def),
          status: 'CREATE_IN_PROGRESS',
          deletionPolicy: def.DeletionPolicy,
          updateReplacePolicy: def.UpdateReplacePolicy,
        };
        r.properties = this.resolve(stack, def.Properties ?? {}) as Record<string, unknown>;
        const refused = this.failures.get(id) ?? this.hooks.refuse?.(r, undefined, stack);
        if (refused !== undefined) {
          failed = id;
          stack.resources.set(id, r);
          this.resourceEvent(stack, r, 'CREATE_IN_PROGRESS');
          this.resourceEvent(stack, r, 'CREATE_FAILED', refused);
          return true;
        }
        r.physicalId = this.physicalId(stack, id, def.Type, r.properties);
        stack.resources.set(id, r);
        this.hooks.created?.(r, stack);
        this.resourceEvent(stack, r, 'CREATE_IN_PROGRESS', r.type === 'AWS::CertificateManager::Certificate' ? certificateReason(r) : undefined);
        return true;
      });
      stack.steps.push(() => {
        const r = stack.resources.get(id);
        if (failed || !r || r.status !== 'CREATE_IN_PROGRESS') return true;
        if (this.hooks.ready && !this.hooks.ready(r, stack)) return false;
        this.resourceEvent(stack, r, 'CREATE_COMPLETE');
        return true;
      });
    }
    stack.steps.push(() => {
      if (!failed) {
        this.setStatus(stack.stackId, 'CREATE_COMPLETE');
        return true;
      }
      this.setStatus(stack.stackId, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failed}]. Rollback requested by user.`);
      for (const r of this.reverseOrder(stack)) {
        if (r.logicalId === failed) stack.resources.delete(r.logicalId);
        else this.planDelete(stack, r, 'rollback-of-create');
      }
      stack.steps.push(() => {
        this.setStatus(stack.stackId, 'ROLLBACK_COMPLETE');
        return true;
      });
      return true;
    });
  }

  private planUpdate(stack: FakeStack, cs: FakeChangeSet) {
    const before = { template: stack.template, templateBody: stack.templateBody, parameters: stack.parameters };
    const snapshot = new Map([...stack.resources].map(([k, r]) => [k, { ...r }]));
    stack.template = cs.template;
    stack.templateBody = cs.templateBody;
    stack.parameters = cs.parameters;
    stack.lastUpdatedTime = new Date(this.now());
    this.stackStep(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');
    let failed: string | undefined;
    const touched: string[] = [];
    const changes = new Map(cs.changes.map((c) => [c.LogicalResourceId, c]));
    for (const id of this.order(cs.template, cs.parameters)) {
      const change = changes.get(id);
      if (!change || change.Action === 'Remove') continue;
      const def = cs.template.Resources[id]!;
      stack.steps.push(() => {
        if (failed) return true;
        const status = change.Action === 'Add' ? 'CREATE' : 'UPDATE';
        const previous = stack.resources.get(id);
        const r: FakeResource = {
          logicalId: id,
          type: def.Type,
          physicalId: previous?.physicalId ?? '',
          properties: this.resolve(stack, def.Properties ?? {}) as Record<string, unknown>,
          raw: JSON.stringify(def),
          status: `${status}_IN_PROGRESS`,
          deletionPolicy: def.DeletionPolicy,
          updateReplacePolicy: def.UpdateReplacePolicy,
        };
        touched.push(id);
        const refused = this.failures.get(id) ?? this.hooks.refuse?.(r, status === 'CREATE' ? undefined : previous, stack);
        if (refused !== undefined) {
          failed = id;
          stack.resources.set(id, r);
          this.resourceEvent(stack, r, `${status}_IN_PROGRESS`);
          this.resourceEvent(stack, r, `${status}_FAILED`, refused);
          return true;
        }
        if (status === 'CREATE' || change.Replacement === 'True') r.physicalId = this.physicalId(stack, id, def.Type, r.properties);
        stack.resources.set(id, r);
        if (status === 'CREATE') this.hooks.created?.(r, stack);
        else if (change.Replacement === 'True') this.hooks.created?.(r, stack);
        else if (previous) this.hooks.updated?.(r, previous, stack);
        this.resourceEvent(
          stack,
          r,
          `${status}_IN_PROGRESS`,
          change.Replacement === 'True' ? 'Requested update requires the creation of a new physical resource; hence creating one.' : undefined,
        );
        return true;
      });
      stack.steps.push(() => {
        const r = stack.resources.get(id);
        if (failed || !r || !r.status.endsWith('_IN_PROGRESS')) return true;
        if (this.hooks.ready && !this.hooks.ready(r, stack)) return false;
        this.resourceEvent(stack, r, r.status.replace('_IN_PROGRESS', '_COMPLETE'));
        return true;
      });
    }
    stack.steps.push(() => {
      if (!failed) {
        this.setStatus(stack.stackId, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        for (const c of cs.changes) {
          const old = snapshot.get(c.LogicalResourceId);
          if (old && (c.Action === 'Remove' || c.Replacement === 'True')) this.planDelete(stack, old, c.Action === 'Remove' ? 'removed' : 'replaced');
        }
        stack.steps.push(() => {
          this.setStatus(stack.stackId, 'UPDATE_COMPLETE');
          return true;
        });
        return true;
      }
      // Roll back: restore what was there before, in reverse order.
      stack.template = before.template;
      stack.templateBody = before.templateBody;
      stack.parameters = before.parameters;
      this.setStatus(stack.stackId, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${failed}].`);
      let rollbackFailed = false;
      for (const id of [...touched].reverse()) {
        stack.steps.push(() => {
          const old = snapshot.get(id);
          const current = stack.resources.get(id)!;
          if (this.rollbackFailures.has(id)) {
            rollbackFailed = true;
            current.status = 'UPDATE_FAILED';
            this.resourceEvent(stack, current, 'UPDATE_FAILED', this.rollbackFailures.get(id));
            return true;
          }
          // What this operation created (an added resource, or the new instance of a replaced one) goes away as
          // a rolled-back create; the old instance is restored.
          const createdNow = !old || old.physicalId !== current.physicalId;
          if (createdNow && current.physicalId) {
            if (keptOnRemoval(current, 'rollback-of-create')) this.resourceEvent(stack, { ...current }, 'DELETE_SKIPPED');
            else {
              this.hooks.deleted?.(current, stack);
              this.resourceEvent(stack, { ...current }, 'DELETE_COMPLETE');
            }
          }
          if (old) {
            stack.resources.set(id, { ...old });
            this.resourceEvent(stack, stack.resources.get(id)!, 'UPDATE_COMPLETE');
          } else {
            stack.resources.delete(id);
          }
          return true;
        });
      }
      stack.steps.push(() => {
        if (rollbackFailed)
          this.setStatus(
            stack.stackId,
            'UPDATE_ROLLBACK_FAILED',
            `The following resource(s) failed to update: [${[...this.rollbackFailures.keys()].join(', ')}].`,
          );
        else this.setStatus(stack.stackId, 'UPDATE_ROLLBACK_COMPLETE');
        return true;
      });
      return true;
    });
  }

  /** Removes one physical resource, or keeps it (DELETE_SKIPPED) when its policy says so for this cause. */
  private planDelete(stack: FakeStack, r: FakeResource, cause: RemovalCause) {
    stack.steps.push(() => {
      const current = stack.resources.get(r.logicalId);
      // A replaced resource's logical id already names its new instance: only the old one is removed here.
      const target = current && current.physicalId === r.physicalId ? current : r;
      const dropFromStack = () => {
        if (current === target) stack.resources.delete(r.logicalId);
      };
      if (keptOnRemoval(r, cause)) {
        this.resourceEvent(stack, { ...target }, 'DELETE_SKIPPED');
        dropFromStack();
        return true;
      }
      this.resourceEvent(stack, { ...target }, 'DELETE_IN_PROGRESS');
      if (this.failures.has(`delete:${r.logicalId}`)) {
        target.status = 'DELETE_FAILED';
        this.resourceEvent(stack, target, 'DELETE_FAILED', this.failures.get(`delete:${r.logicalId}`));
        return true;
      }
      this.hooks.deleted?.(r, stack);
      dropFromStack();
      this.resourceEvent(stack, { ...target }, 'DELETE_COMPLETE');
      return true;
    });
  }

  // ---- change sets ---------------------------------------------------------------------------------------

  private resolveParameters(
    template: CfnTemplate,
    given: Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }>,
    stack: FakeStack | undefined,
  ): Record<string, string> {
    const declared = template.Parameters ?? {};
    const unknown = given.filter((p) => !(p.ParameterKey in declared)).map((p) => p.ParameterKey);
    if (unknown.length) throw fakeError('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const [key, def] of Object.entries(declared)) {
      const p = given.find((g) => g.ParameterKey === key);
      let value: string | undefined;
      if (p?.UsePreviousValue) {
        if (!stack || !(key in stack.parameters))
          throw fakeError(
            'ValidationError',
            `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
          );
        value = stack.parameters[key];
      } else if (p) value = p.ParameterValue ?? '';
      else if (def.Default !== undefined) value = String(def.Default);
      if (value === undefined) {
        missing.push(key);
        continue;
      }
      if (def.AllowedValues && !def.AllowedValues.map(String).includes(value))
        throw fakeError('ValidationError', `Parameter '${key}' must be one of AllowedValues`);
      if (def.AllowedPattern && !new RegExp(`^(?:${def.AllowedPattern})$`).test(value))
        throw fakeError(
          'ValidationError',
          `Parameter ${key} failed to satisfy constraint: ${String(def.ConstraintDescription ?? `Must match pattern ${def.AllowedPattern}`)}`,
        );
      if (def.Type === 'Number') {
        const n = Number(value);
        if (value === '' || Number.isNaN(n)) throw fakeError('ValidationError', `Parameter '${key}' must be a number.`);
        if (def.MinValue !== undefined && n < def.MinValue)
          throw fakeError('ValidationError', `Parameter '${key}' must be a number not less than ${def.MinValue}`);
        if (def.MaxValue !== undefined && n > def.MaxValue)
          throw fakeError('ValidationError', `Parameter '${key}' must be a number not greater than ${def.MaxValue}`);
      }
      values[key] = value;
    }
    if (missing.length) throw fakeError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
    return values;
  }

  private diff(stack: FakeStack, template: CfnTemplate, parameters: Record<string, string>): FakeChange[] {
    const wanted = new Set(this.order(template, parameters));
    const changes: FakeChange[] = [];
    for (const id of wanted) {
      const def = template.Resources[id]!;
      const existing = stack.resources.get(id);
      if (!existing) {
        changes.push({ Action: 'Add', LogicalResourceId: id, ResourceType: def.Type });
        continue;
      }
      const changed = this.changedProperties(JSON.parse(existing.raw), stack.parameters, def, parameters);
      if (changed.length === 0 && !this.replacementOverrides.has(id)) continue;
      const replacing = REPLACING_PROPERTIES[def.Type] ?? [];
      const replacement = this.replacementOverrides.get(id) ?? (changed.some((p) => replacing.includes(p)) || existing.type !== def.Type ? 'True' : 'False');
      changes.push({ Action: 'Modify', LogicalResourceId: id, PhysicalResourceId: existing.physicalId, ResourceType: def.Type, Replacement: replacement });
    }
    for (const r of stack.resources.values()) {
      if (!wanted.has(r.logicalId)) changes.push({ Action: 'Remove', LogicalResourceId: r.logicalId, PhysicalResourceId: r.physicalId, ResourceType: r.type });
    }
    return changes;
  }

  /** Names of the top-level properties whose template text, or the parameters they use, changed. */
  private changedProperties(oldDef: any, oldParams: Record<string, string>, newDef: any, newParams: Record<string, string>): string[] {
    const keys = new Set([...Object.keys(oldDef.Properties ?? {}), ...Object.keys(newDef.Properties ?? {})]);
    const changed: string[] = [];
    for (const key of keys) {
      const a = oldDef.Properties?.[key];
      const b = newDef.Properties?.[key];
      if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(key);
      else if (paramsUsed(b).some((p) => oldParams[p] !== newParams[p])) changed.push(key);
    }
    return changed;
  }

  // ---- template evaluation -------------------------------------------------------------------------------

  /** The resources that exist under these parameters, each after those it refers to. */
  private order(template: CfnTemplate, parameters: Record<string, string>): string[] {
    const conditions = template.Conditions ?? {};
    const evalCondition = (name: string): boolean => Boolean(this.evaluate(conditions[name], parameters, conditions));
    const present = Object.keys(template.Resources).filter((id) => {
      const c = template.Resources[id]!.Condition;
      return c === undefined || evalCondition(c);
    });
    const done: string[] = [];
    const visiting = new Set<string>();
    const visit = (id: string) => {
      if (done.includes(id) || visiting.has(id)) return;
      visiting.add(id);
      const def = template.Resources[id]!;
      const deps = new Set([...(Array.isArray(def.DependsOn) ? def.DependsOn : def.DependsOn ? [def.DependsOn] : []), ...refsIn(def.Properties)]);
      for (const d of deps) if (present.includes(d)) visit(d);
      done.push(id);
    };
    for (const id of present) visit(id);
    return done;
  }

  /** The stack's resources, dependents first (the order deletion takes). */
  private reverseOrder(stack: FakeStack): FakeResource[] {
    const ordered = this.order(stack.template, stack.parameters).filter((id) => stack.resources.has(id));
    const rest = [...stack.resources.keys()].filter((id) => !ordered.includes(id));
    return [...ordered, ...rest].reverse().map((id) => ({ ...stack.resources.get(id)! }));
  }

  private evaluate(node: unknown, parameters: Record<string, string>, conditions: Record<string, unknown>): unknown {
    if (!isObject(node)) return node;
    if ('Fn::Equals' in node) {
      const [a, b] = node['Fn::Equals'] as unknown[];
      return String(this.evaluate(a, parameters, conditions)) === String(this.evaluate(b, parameters, conditions));
    }
    if ('Fn::Not' in node) return !this.evaluate((node['Fn::Not'] as unknown[])[0], parameters, conditions);
    if ('Fn::And' in node) return (node['Fn::And'] as unknown[]).every((c) => this.evaluate(c, parameters, conditions));
    if ('Fn::Or' in node) return (node['Fn::Or'] as unknown[]).some((c) => this.evaluate(c, parameters, conditions));
    if ('Condition' in node) return this.evaluate(conditions[node.Condition as string], parameters, conditions);
    if ('Ref' in node) return parameters[node.Ref as string] ?? '';
    // The list functions a condition may compare (UserGroups' slots): parameters only, as in Conditions.
    if ('Fn::Sub' in node && typeof node['Fn::Sub'] === 'string')
      return node['Fn::Sub'].replace(/\$\{([\w:]+)\}/g, (_, name: string) => parameters[name] ?? '');
    if ('Fn::Split' in node) {
      const [sep, text] = node['Fn::Split'] as [string, unknown];
      return String(this.evaluate(text, parameters, conditions)).split(sep);
    }
    if ('Fn::Select' in node) {
      const [index, list] = node['Fn::Select'] as [unknown, unknown];
      return (this.evaluate(list, parameters, conditions) as unknown[])[Number(index)];
    }
    return node;
  }

  private resolve(stack: FakeStack, node: unknown): unknown {
    const conditions = stack.template.Conditions ?? {};
    const pseudo: Record<string, string> = {
      'AWS::Region': stack.region,
      'AWS::StackName': stack.name,
      'AWS::StackId': stack.stackId,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const ref = (name: string): unknown => {
      if (name === 'AWS::NoValue') return undefined;
      if (name in pseudo) return pseudo[name];
      if (name in stack.parameters) return stack.parameters[name];
      return stack.resources.get(name)?.physicalId ?? `<${name}>`;
    };
    const getAtt = (id: string, attr: string): string => {
      const r = stack.resources.get(id);
      if (!r) return `<${id}.${attr}>`;
      if (attr === 'Arn') return r.physicalId.startsWith('arn:') ? r.physicalId : `arn:aws:${serviceOf(r.type)}:${this.region}:${ACCOUNT}:${r.physicalId}`;
      return `${r.physicalId}.${attr}`;
    };
    const walk = (n: unknown): unknown => {
      if (Array.isArray(n)) return n.map(walk).filter((v) => v !== undefined);
      if (!isObject(n)) return n;
      const keys = Object.keys(n);
      if (keys.length === 1) {
        const [k] = keys;
        const v = n[k!];
        if (k === 'Ref') return ref(v as string);
        if (k === 'Fn::GetAtt') {
          const [id, attr] = Array.isArray(v) ? (v as string[]) : String(v).split('.');
          return getAtt(id!, attr!);
        }
        if (k === 'Fn::Sub') {
          const [text, vars] = Array.isArray(v) ? (v as [string, Record<string, unknown>]) : [v as string, {}];
          return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
            if (name in vars) return String(walk(vars[name]));
            if (name.includes('.')) {
              const [id, attr] = name.split('.');
              return getAtt(id!, attr!);
            }
            return String(ref(name));
          });
        }
        if (k === 'Fn::If') {
          const [cond, a, b] = v as [string, unknown, unknown];
          return walk(this.evaluate(conditions[cond], stack.parameters, conditions) ? a : b);
        }
        if (k === 'Fn::Split') {
          const [sep, text] = v as [string, unknown];
          return String(walk(text)).split(sep);
        }
        if (k === 'Fn::Select') {
          const [index, list] = v as [number | string, unknown];
          return (walk(list) as unknown[])[Number(index)];
        }
        if (k === 'Fn::Join') {
          const [sep, list] = v as [string, unknown[]];
          return (walk(list) as unknown[]).join(sep);
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const value = walk(n[key]);
        if (value !== undefined) out[key] = value;
      }
      return out;
    };
    return walk(node);
  }

  private outputs(stack: FakeStack) {
    const conditions = stack.template.Conditions ?? {};
    return Object.entries(stack.template.Outputs ?? {})
      .filter(([, o]) => o.Condition === undefined || this.evaluate(conditions[o.Condition], stack.parameters, conditions))
      .map(([OutputKey, o]) => ({ OutputKey, OutputValue: String(this.resolve(stack, o.Value)), Description: o.Description }));
  }

  private physicalId(stack: FakeStack, id: string, type: string, props: Record<string, unknown>): string {
    const n = ++this.counter;
    const suffix = createHash('sha256').update(`${stack.stackId}/${id}/${n}`).digest('hex');
    switch (type) {
      case 'AWS::Cognito::UserPool':
        return `${this.region}_${suffix.slice(0, 9)}`;
      case 'AWS::Cognito::UserPoolClient':
        return suffix.slice(0, 26);
      case 'AWS::Cognito::UserPoolDomain':
        // Ref of a user pool domain is its prefix.
        return String(props.Domain ?? suffix.slice(0, 12));
      case 'AWS::Lambda::Function':
        return typeof props.FunctionName === 'string' ? props.FunctionName : `${stack.name}-${id}-${suffix.slice(0, 12).toUpperCase()}`;
      case 'AWS::S3::Bucket':
        // Ref of a bucket is its name: the one the template gives, else a lower-case one CloudFormation makes.
        return typeof props.BucketName === 'string' ? props.BucketName : `${stack.name}-${id}-${suffix.slice(0, 12)}`.toLowerCase();
      case 'AWS::Logs::LogGroup':
        return typeof props.LogGroupName === 'string' ? props.LogGroupName : `${stack.name}-${id}-${suffix.slice(0, 12)}`;
      case 'AWS::ApiGateway::RestApi':
        return suffix.slice(0, 10);
      case 'AWS::ApiGateway::Stage':
        return String(props.StageName ?? 'stage');
      case 'AWS::ApiGateway::DomainName':
        return String(props.DomainName ?? suffix.slice(0, 10));
      case 'AWS::CertificateManager::Certificate':
        return `arn:aws:acm:${this.region}:${ACCOUNT}:certificate/${this.uuid()}`;
      default:
        return `${stack.name}-${id}-${suffix.slice(0, 12)}`;
    }
  }

  // ---- bookkeeping ---------------------------------------------------------------------------------------

  private advanceAll(steps: number): boolean {
    let moved = false;
    for (const s of this.stacks) {
      for (let i = 0; i < steps && s.steps.length > 0; i++) {
        if (!s.steps[0]!()) break;
        s.steps.shift();
        moved = true;
      }
    }
    return moved;
  }

  /** The stack's status changes as soon as the call returns, as in CloudFormation (*_IN_PROGRESS). */
  private runFirstStep(stack: FakeStack) {
    if (stack.steps.length > 0 && stack.steps[0]!()) stack.steps.shift();
  }

  private stackStep(stack: FakeStack, status: string, reason?: string) {
    stack.steps.push(() => {
      this.setStatus(stack.stackId, status, reason);
      return true;
    });
  }

  private resourceEvent(stack: FakeStack, r: FakeResource, status: string, reason?: string): boolean {
    r.status = status;
    this.event(stack, {
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId || undefined,
      ResourceType: r.type,
      ResourceStatus: status,
      ResourceStatusReason: reason,
    });
    return true;
  }

  private event(stack: FakeStack, e: Omit<FakeEvent, 'EventId' | 'StackId' | 'StackName' | 'Timestamp'>) {
    stack.events.push({
      EventId: `${e.LogicalResourceId}-${this.uuid()}`,
      StackId: stack.stackId,
      StackName: stack.name,
      Timestamp: new Date(this.now()),
      ...e,
    });
  }

  private find(nameOrId: string, includeDeleted: boolean): FakeStack | undefined {
    const byId = this.stacks.find((s) => s.stackId === nameOrId);
    if (byId) return includeDeleted || byId.status !== 'DELETE_COMPLETE' ? byId : undefined;
    return this.stacks.find((s) => s.name === nameOrId && s.status !== 'DELETE_COMPLETE');
  }

  private stack(nameOrId: string, includeDeletedById: boolean): FakeStack {
    const s = this.find(nameOrId, includeDeletedById && nameOrId.startsWith('arn:'));
    if (!s) throw fakeError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return s;
  }

  private changeSet(nameOrId: string, stackName?: string): FakeChangeSet {
    for (const s of this.stacks) {
      if (stackName && s.name !== stackName && s.stackId !== stackName) continue;
      for (const cs of s.changeSets.values()) if (cs.id === nameOrId || cs.name === nameOrId) return cs;
    }
    throw fakeError('ChangeSetNotFoundException', `ChangeSet [${nameOrId}] does not exist`);
  }

  private uuid(): string {
    const h = createHash('sha256')
      .update(String(++this.counter))
      .digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Resource ids a resource refers to (Ref, GetAtt, ${X} in Sub). */
function refsIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Ref' && typeof v === 'string') out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]!);
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of text.matchAll(/\$\{([^}.!]+)/g)) out.add(m[1]!);
        if (Array.isArray(v)) refsIn(v[1], out);
      } else refsIn(v, out);
    }
  }
  return out;
}

/** Parameter names a property uses (by Ref or in a Sub), to tell when a parameter change modifies it. */
function paramsUsed(node: unknown): string[] {
  return [...refsIn(node)];
}

function serviceOf(type: string): string {
  return type.split('::')[1]!.toLowerCase();
}

function certificateReason(r: FakeResource): string {
  const domain = String(r.properties.DomainName ?? '');
  return `Content of DNS Record is: {Name: _fake.${domain}.,Type: CNAME,Value: _fake.acm-validations.aws.}`;
}
