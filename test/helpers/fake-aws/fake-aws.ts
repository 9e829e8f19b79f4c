/**
 * A fake AWS account for the deploy tests: the fake CloudFormation plus the little of Lambda, ACM, Route 53,
 * CloudWatch Logs and Cognito that deploy, status, logs and destroy use, wired together (a stack that creates
 * a function makes it exist in the fake Lambda, and so on).
 *
 * `factory()` returns an `AwsFactory` of REAL SDK v3 clients whose last middleware answers from these fakes
 * instead of sending HTTP. Unlike `aws-sdk-client-mock` (which replaces `client.send`), this keeps the SDK's
 * own middleware in the path: its retry strategy retries a throttled call (with a 1 ms back-off), waiters poll through `send`, and a
 * missing credential fails exactly as it would for a user. The endpoint is 127.0.0.1:1 and the credentials are
 * dummies, so even an escaped request would never leave the machine.
 */
import { createHash } from 'node:crypto';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AwsFactory, AwsSettings } from '../../../src/core/aws.js';
import { ACCOUNT, FakeCloudFormation, type FakeCloudFormationOptions, type FakeResource, type FakeStack } from './fake-cloudformation.js';
import { FakeS3 } from './fake-s3.js';
import { fakeError } from './errors.js';
import { UserError } from '../../../src/core/errors.js';
import { newSrpSalt, srpVerifier, startSrpServer, verifyPasswordClaim, type SrpServerSession } from '../../../src/core/srp.js';

export interface Call {
  service: string;
  operation: string;
  input: any;
}

interface FakeFunction {
  name: string;
  codeSha256: string;
  lastModified: string;
  lastUpdateStatus: 'Successful' | 'InProgress' | 'Failed';
  lastUpdateStatusReason?: string;
  /** Lambda's function state: `Pending` after creation until it is ready, then `Active`. */
  state: 'Pending' | 'Active';
  /** GetFunction calls still answered Pending. */
  pendingActivePolls: number;
  /** GetFunction(Configuration) calls still answered InProgress. */
  pendingPolls: number;
  codeSize: number;
}

interface FakeCertificate {
  arn: string;
  domainName: string;
  status: string;
  /** CloudFormation polls left before ACM issues it; Infinity never. */
  issueAfter: number;
}

interface FakePool {
  id: string;
  name: string;
  users: number;
  deletionProtection: string;
}

interface FakeUser {
  poolId: string;
  password: string;
  confirmed: boolean;
  /** Cognito's UserStatus when it is not CONFIRMED/UNCONFIRMED from `confirmed` (FORCE_CHANGE_PASSWORD, RESET_REQUIRED). */
  status?: string;
  salt: string;
  accessToken?: string;
  enabled: boolean;
  attributes: Record<string, string>;
  groups: Set<string>;
  created: Date;
}

interface FakeZone {
  id: string;
  name: string;
  privateZone?: boolean;
  nameServers: string[];
}

export interface FakeAwsOptions extends FakeCloudFormationOptions {
  /** GetFunction calls a new function is answered `State: Pending`. Default 0. */
  functionActivePolls?: number;
  /** CloudFormation polls before a new certificate is issued. Default 0; Infinity never. */
  certificateIssueAfter?: number;
  /** Users in each pool the stack creates. Default 0. */
  usersPerPool?: number;
}

export class FakeAws {
  readonly cfn: FakeCloudFormation;
  readonly s3: FakeS3;
  /** The account the credentials belong to (STS GetCallerIdentity; the stacks' ARNs). */
  readonly account = ACCOUNT;
  readonly calls: Call[] = [];
  readonly functions = new Map<string, FakeFunction>();
  readonly certificates = new Map<string, FakeCertificate>();
  readonly pools = new Map<string, FakePool>();
  readonly zones: FakeZone[] = [];
  /** API Gateway deployments by id: the methods of their REST API as they were when each was created. */
  readonly apiDeployments = new Map<string, { restApiId: string; methods: Record<string, unknown> }>();
  /** `<rest api id>/<stage name>` → the deployment the stage serves. */
  readonly apiStages = new Map<string, string>();
  readonly logGroups = new Map<string, Array<{ eventId: string; timestamp: number; message: string; logStreamName: string }>>();
  functionActivePolls: number;
  certificateIssueAfter: number;
  usersPerPool: number;
  /** operation (or `*`) → how many more calls fail with Throttling. */
  private readonly throttles = new Map<string, number>();
  /** Set to make every call fail the way a missing credential chain does. */
  noCredentials = false;
  /** Set to make a factory made without a region find none, as the SDK's chain does with no AWS_REGION or profile. */
  noRegion = false;
  /** Regions factories were made for. */
  readonly regions: string[] = [];

  constructor(options: FakeAwsOptions = {}) {
    this.functionActivePolls = options.functionActivePolls ?? 0;
    this.certificateIssueAfter = options.certificateIssueAfter ?? 0;
    this.usersPerPool = options.usersPerPool ?? 0;
    this.cfn = new FakeCloudFormation({
      ...options,
      hooks: {
        created: (r, stack) => this.created(r, stack),
        updated: (r, previous) => {
          if (r.type === 'AWS::ApiGateway::Stage') this.apiStages.set(`${r.properties.RestApiId}/${r.properties.StageName}`, String(r.properties.DeploymentId));
          if (r.type === 'AWS::Lambda::Function' && JSON.stringify(r.properties.Code) !== JSON.stringify(previous.properties.Code)) this.created(r);
          if (r.type === 'AWS::Cognito::UserPool') {
            const pool = this.pools.get(r.physicalId);
            if (pool) pool.deletionProtection = String(r.properties.DeletionProtection ?? 'INACTIVE');
          }
        },
        deleted: (r) => {
          if (r.type === 'AWS::Lambda::Function') this.functions.delete(r.physicalId);
          if (r.type === 'AWS::Cognito::UserPool') this.pools.delete(r.physicalId);
          if (r.type === 'AWS::CertificateManager::Certificate') this.certificates.delete(r.physicalId);
          if (r.type === 'AWS::ApiGateway::Deployment') this.apiDeployments.delete(r.physicalId);
          if (r.type === 'AWS::Cognito::UserPoolGroup') this.groups.get(String(r.properties.UserPoolId))?.delete(String(r.properties.GroupName));
          // CloudFormation deletes only an empty bucket; one with objects is left to its owner here.
          if (r.type === 'AWS::S3::Bucket' && this.s3.versionCount(r.physicalId) === 0) this.s3.buckets.delete(r.physicalId);
        },
        refuse: (r, previous) => this.refuse(r, previous),
        ready: (r) => {
          if (r.type !== 'AWS::CertificateManager::Certificate') return true;
          const cert = this.certificates.get(r.physicalId);
          if (!cert) return true;
          if (cert.status === 'ISSUED') return true;
          if (cert.issueAfter-- <= 0) cert.status = 'ISSUED';
          return cert.status === 'ISSUED';
        },
      },
    });
    this.s3 = new FakeS3(ACCOUNT, this.cfn.region);
  }

  /**
   * What Lambda's resource handler refuses: a function whose code object (`Code.S3Bucket`/`S3Key`) is not in S3, on
   * create, or on an update that changes the code. The reason is the one CloudFormation reports.
   */
  private refuse(r: FakeResource, previous: FakeResource | undefined): string | undefined {
    if (r.type !== 'AWS::Lambda::Function') return undefined;
    const code = r.properties.Code as { S3Bucket?: string; S3Key?: string } | undefined;
    if (!code?.S3Bucket || (previous && JSON.stringify(previous.properties.Code) === JSON.stringify(code))) return undefined;
    const bucket = this.s3.buckets.get(code.S3Bucket);
    const s3Error =
      !bucket || bucket.owner !== this.account
        ? ['NoSuchBucket', 'The specified bucket does not exist']
        : !bucket.objects.get(String(code.S3Key))?.length
          ? ['NoSuchKey', 'The specified key does not exist.']
          : undefined;
    if (!s3Error) return undefined;
    return `Resource handler returned message: "Error occurred while GetObject. S3 Error Code: ${s3Error[0]}. S3 Error Message: ${s3Error[1]} (Service: Lambda, Status Code: 400, Request ID: fake)" (RequestToken: fake, HandlerErrorCode: InvalidRequest)`;
  }

  /** The next `times` calls of `operation` (or of anything, with `*`) fail with a Throttling error. */
  throttle(operation: string, times: number): void {
    this.throttles.set(operation, times);
  }

  count(service?: string, operation?: string): number {
    return this.calls.filter((c) => (!service || c.service === service) && (!operation || c.operation === operation)).length;
  }

  writes(service = 'cloudformation'): Call[] {
    return this.calls.filter((c) => c.service === service && !/^(Describe|Get|List|Filter)/.test(c.operation));
  }

  addZone(zone: FakeZone): void {
    this.zones.push(zone);
  }

  putLogEvents(group: string, events: Array<{ timestamp: number; message: string }>): void {
    const list = this.logGroups.get(group) ?? [];
    for (const e of events) list.push({ eventId: `e${list.length + 1}`, logStreamName: '2024/01/01/[$LATEST]abc', ...e });
    list.sort((a, b) => a.timestamp - b.timestamp);
    this.logGroups.set(group, list);
  }

  /** An AwsFactory of real SDK clients answered by this fake account. */
  factory(settings: Partial<AwsSettings> = {}): AwsFactory {
    const region = settings.region ?? (this.noRegion ? undefined : this.cfn.region);
    if (region !== undefined) this.regions.push(region);
    const cache = new Map<string, Promise<unknown>>();
    const make = <T>(service: string, load: () => Promise<new (config: any) => T>): Promise<T> => {
      let client = cache.get(service) as Promise<T> | undefined;
      if (!client) {
        client = load().then((Client) => {
          const c = new Client({
            region,
            endpoint: 'http://127.0.0.1:1',
            credentials: async () => {
              if (this.noCredentials)
                throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', tryNextLink: false });
              return { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' };
            },
            maxAttempts: 5,
            // The SDK's own retry strategy (which errors it retries, how many times), with a 1 ms back-off instead
            // of its jittered 100 ms–20 s: the tests check what is retried and what a user is told, not the waiting.
            retryStrategy: new ConfiguredRetryStrategy(5, 1),
          }) as T & { middlewareStack: any };
          c.middlewareStack.add(
            (_next: unknown, context: { commandName?: string }) => async (args: { input: unknown }) => {
              const operation = (context.commandName ?? '').replace(/Command$/, '');
              const output = this.handle(service, operation, args.input, region);
              return {
                output: { ...(output as object), $metadata: { httpStatusCode: 200, requestId: 'fake' } },
                response: { statusCode: 200, headers: {}, body: undefined },
              };
            },
            // Inside the retry and signing middleware (finalizeRequest), in place of deserialize + HTTP.
            { step: 'deserialize', priority: 'high', name: 'fakeAws' },
          );
          return c;
        });
        cache.set(service, client);
      }
      return client;
    };
    const factory: AwsFactory = {
      settings: { env: {}, ...settings, region },
      cloudformation: () => make('cloudformation', async () => (await import('@aws-sdk/client-cloudformation')).CloudFormationClient),
      lambda: () => make('lambda', async () => (await import('@aws-sdk/client-lambda')).LambdaClient),
      cognito: () => make('cognito', async () => (await import('@aws-sdk/client-cognito-identity-provider')).CognitoIdentityProviderClient),
      acm: () => make('acm', async () => (await import('@aws-sdk/client-acm')).ACMClient),
      route53: () => make('route53', async () => (await import('@aws-sdk/client-route-53')).Route53Client),
      logs: () => make('logs', async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient),
      s3: () => make('s3', async () => (await import('@aws-sdk/client-s3')).S3Client),
      sts: () => make('sts', async () => (await import('@aws-sdk/client-sts')).STSClient),
      resolveRegion: async () => {
        if (region === undefined) throw new UserError('usage', 'No AWS region is set.', { code: 'NoRegion', hint: 'Pass --region, or set AWS_REGION' });
        return region;
      },
      withRegion: (r: string) => this.factory({ ...settings, region: r }),
    };
    return factory;
  }

  /** One API call. Recorded first, so throttled attempts count as the calls they are. */
  handle(service: string, operation: string, input: any, region: string = this.cfn.region): unknown {
    this.calls.push({ service, operation, input });
    for (const key of [operation, '*']) {
      const left = this.throttles.get(key) ?? 0;
      if (left > 0) {
        this.throttles.set(key, left - 1);
        throw fakeError('Throttling', 'Rate exceeded', 400);
      }
    }
    switch (service) {
      case 'cloudformation':
        return this.cfn.handle(operation, input, region);
      case 'lambda':
        return this.lambda(operation, input);
      case 'acm':
        return this.acm(operation, input);
      case 'route53':
        return this.route53(operation, input);
      case 'logs':
        return this.logs(operation, input);
      case 'cognito':
        return this.cognito(operation, input);
      case 's3':
        return this.s3.handle(operation, input, region);
      case 'sts':
        if (operation === 'GetCallerIdentity') return { Account: this.account, Arn: `arn:aws:iam::${this.account}:user/deployer`, UserId: 'AIDAFAKE' };
        break;
    }
    throw fakeError('InvalidAction', `no fake for ${service}`);
  }

  /**
   * What a stage serves: the methods (`<resource id> <HTTP method>` → properties) of the deployment it points to,
   * as that deployment snapshotted them when it was created. Undefined for an unknown stage.
   */
  stageServes(restApiId: string, stageName: string): Record<string, unknown> | undefined {
    const deployment = this.apiStages.get(`${restApiId}/${stageName}`);
    return deployment === undefined ? undefined : this.apiDeployments.get(deployment)?.methods;
  }

  private created(r: FakeResource, stack?: FakeStack) {
    if (r.type === 'AWS::ApiGateway::Deployment' && stack) {
      // API Gateway: a deployment is a snapshot of the REST API's methods at the time it is created; updating
      // the Deployment resource later does not take a new one.
      const restApiId = String(r.properties.RestApiId);
      const methods: Record<string, unknown> = {};
      for (const m of stack.resources.values()) {
        if (m.type === 'AWS::ApiGateway::Method' && m.properties.RestApiId === restApiId)
          methods[`${m.properties.ResourceId} ${m.properties.HttpMethod}`] = structuredClone(m.properties);
      }
      this.apiDeployments.set(r.physicalId, { restApiId, methods });
    }
    if (r.type === 'AWS::ApiGateway::Stage') this.apiStages.set(`${r.properties.RestApiId}/${r.properties.StageName}`, String(r.properties.DeploymentId));
    if (r.type === 'AWS::Lambda::Function') {
      // Lambda copies the zip from S3 when the function is created or its code changes; inline code is the text.
      const s3Code = r.properties.Code as { S3Bucket?: string; S3Key?: string } | undefined;
      const stored = s3Code?.S3Bucket ? this.s3.object(s3Code.S3Bucket, String(s3Code.S3Key)) : undefined;
      const code = stored?.body ?? Buffer.from(JSON.stringify(r.properties.Code ?? {}));
      this.functions.set(r.physicalId, {
        name: r.physicalId,
        codeSha256: createHash('sha256').update(code).digest('base64'),
        lastModified: new Date().toISOString(),
        lastUpdateStatus: 'Successful',
        pendingPolls: 0,
        state: this.functionActivePolls > 0 ? 'Pending' : 'Active',
        pendingActivePolls: this.functionActivePolls,
        codeSize: code.length,
      });
    }
    if (r.type === 'AWS::Cognito::UserPool') {
      this.pools.set(r.physicalId, {
        id: r.physicalId,
        name: String(r.properties.UserPoolName ?? r.physicalId),
        users: this.usersPerPool,
        deletionProtection: String(r.properties.DeletionProtection ?? 'INACTIVE'),
      });
    }
    if (r.type === 'AWS::S3::Bucket' && !this.s3.buckets.has(r.physicalId)) {
      const status = (r.properties.VersioningConfiguration as { Status?: 'Enabled' | 'Suspended' } | undefined)?.Status;
      this.s3.buckets.set(r.physicalId, {
        name: r.physicalId,
        region: this.cfn.region,
        owner: this.account,
        objects: new Map(),
        ...(status ? { versioning: status } : {}),
      });
    }
    if (r.type === 'AWS::Cognito::UserPoolGroup') {
      const groups = this.groups.get(String(r.properties.UserPoolId)) ?? new Set<string>();
      groups.add(String(r.properties.GroupName));
      this.groups.set(String(r.properties.UserPoolId), groups);
    }
    if (r.type === 'AWS::CertificateManager::Certificate') {
      this.certificates.set(r.physicalId, {
        arn: r.physicalId,
        domainName: String(r.properties.DomainName),
        status: 'PENDING_VALIDATION',
        issueAfter: this.certificateIssueAfter,
      });
    }
  }

  private fn(name: string): FakeFunction {
    const f = this.functions.get(name);
    if (!f) throw fakeError('ResourceNotFoundException', `Function not found: arn:aws:lambda:${this.cfn.region}:123456789012:function:${name}`, 404);
    return f;
  }

  private lambda(operation: string, input: any): unknown {
    const config = (f: FakeFunction) => ({
      FunctionName: f.name,
      CodeSha256: f.codeSha256,
      CodeSize: f.codeSize,
      LastModified: f.lastModified,
      LastUpdateStatus: f.lastUpdateStatus,
      LastUpdateStatusReason: f.lastUpdateStatusReason,
      State: f.state,
    });
    const poll = (f: FakeFunction) => {
      if (f.state === 'Pending' && f.pendingActivePolls-- <= 1) f.state = 'Active';
      if (f.lastUpdateStatus === 'InProgress') {
        if (f.pendingPolls > 0) f.pendingPolls--;
        else if (f.lastUpdateStatusReason) f.lastUpdateStatus = 'Failed';
        else f.lastUpdateStatus = 'Successful';
      }
      return f;
    };
    switch (operation) {
      case 'GetFunctionConfiguration':
        return config(this.fn(input.FunctionName));
      case 'GetFunction':
        return { Configuration: config(poll(this.fn(input.FunctionName))) };
    }
    throw fakeError('InvalidAction', `no fake for lambda ${operation}`);
  }

  private acm(operation: string, input: any): unknown {
    if (operation !== 'DescribeCertificate') throw fakeError('InvalidAction', `no fake for acm ${operation}`);
    const cert = this.certificates.get(input.CertificateArn);
    if (!cert) throw fakeError('ResourceNotFoundException', `Could not find certificate ${input.CertificateArn}.`);
    return {
      Certificate: {
        CertificateArn: cert.arn,
        DomainName: cert.domainName,
        Status: cert.status,
        DomainValidationOptions: [
          {
            DomainName: cert.domainName,
            ValidationStatus: cert.status === 'ISSUED' ? 'SUCCESS' : 'PENDING_VALIDATION',
            ResourceRecord: { Name: `_3f1a.${cert.domainName}.`, Type: 'CNAME', Value: '_9c2b.xyz.acm-validations.aws.' },
          },
        ],
      },
    };
  }

  private route53(operation: string, input: any): unknown {
    if (operation === 'ListHostedZones') {
      const start = input.Marker ? Number(input.Marker) : 0;
      const page = this.zones.slice(start, start + 2);
      const truncated = start + 2 < this.zones.length;
      return {
        HostedZones: page.map((z) => ({
          Id: `/hostedzone/${z.id}`,
          Name: `${z.name}.`,
          CallerReference: z.id,
          Config: { PrivateZone: Boolean(z.privateZone) },
        })),
        IsTruncated: truncated,
        NextMarker: truncated ? String(start + 2) : undefined,
        MaxItems: 2,
      };
    }
    if (operation === 'GetHostedZone') {
      const z = this.zones.find((zone) => zone.id === String(input.Id).replace(/^\/?hostedzone\//, ''));
      if (!z) throw fakeError('NoSuchHostedZone', `No hosted zone found with ID: ${input.Id}`, 404);
      return {
        HostedZone: { Id: `/hostedzone/${z.id}`, Name: `${z.name}.`, CallerReference: z.id, Config: { PrivateZone: Boolean(z.privateZone) } },
        DelegationSet: { NameServers: z.nameServers },
      };
    }
    throw fakeError('InvalidAction', `no fake for route53 ${operation}`);
  }

  private logs(operation: string, input: any): unknown {
    if (operation !== 'FilterLogEvents') throw fakeError('InvalidAction', `no fake for logs ${operation}`);
    const list = this.logGroups.get(input.logGroupName);
    if (!list) throw fakeError('ResourceNotFoundException', 'The specified log group does not exist.');
    const matching = list.filter((e) => e.timestamp >= (input.startTime ?? 0));
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const page = matching.slice(start, start + 3);
    return { events: page, nextToken: start + 3 < matching.length ? String(start + 3) : undefined };
  }

  /**
   * Users of the stack's pools, for the flows that sign users up through the API and in through Cognito (smoke on
   * AWS): `signUp` stands in for the API's POST /user; InitiateAuth answers USER_SRP_AUTH with the project's own SRP
   * server side, and the access token is an opaque string the fake API checks.
   */
  readonly users = new Map<string, FakeUser>();
  /** Each pool's groups: the stack's UserPoolGroup resources. */
  readonly groups = new Map<string, Set<string>>();
  private readonly srpSessions = new Map<string, { username: string; session: SrpServerSession; srpA: string }>();

  signUp(poolId: string, username: string, password: string): void {
    this.users.set(username, {
      poolId,
      password,
      confirmed: false,
      salt: newSrpSalt(),
      enabled: true,
      attributes: { email: username },
      groups: new Set(),
      created: new Date(),
    });
  }

  /** The user administration calls (`authstack users`), on the same users. */
  private cognitoAdmin(operation: string, input: any): { answer: unknown } | undefined {
    const pool = () => {
      if (!this.pools.has(input.UserPoolId)) throw fakeError('ResourceNotFoundException', `User pool ${input.UserPoolId} does not exist.`);
      return input.UserPoolId as string;
    };
    const user = () => {
      pool();
      const u = this.users.get(input.Username);
      if (!u || u.poolId !== input.UserPoolId) throw fakeError('UserNotFoundException', 'User does not exist.');
      return u;
    };
    const group = () => {
      const name = String(input.GroupName);
      if (!this.groups.get(pool())?.has(name)) throw fakeError('ResourceNotFoundException', 'Group not found.');
      return name;
    };
    const status = (u: FakeUser) => u.status ?? (u.confirmed ? 'CONFIRMED' : 'UNCONFIRMED');
    const attributes = (u: FakeUser) => Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value }));
    const shown = (name: string, u: FakeUser) => ({
      Username: name,
      Enabled: u.enabled,
      UserStatus: status(u),
      UserCreateDate: u.created,
      UserLastModifiedDate: u.created,
    });
    const strong = (password: string) => {
      if (password.length < 8) throw fakeError('InvalidPasswordException', 'Password did not conform with policy: Password not long enough');
    };
    switch (operation) {
      case 'ListUsers': {
        const id = pool();
        const m = /^\s*(\w+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(input.Filter ?? '');
        const all = [...this.users.entries()]
          .filter(([, u]) => u.poolId === id)
          .filter(([, u]) => !m || (m[2] === '=' ? u.attributes[m[1]!] === m[3] : (u.attributes[m[1]!] ?? '').startsWith(m[3]!)));
        const start = Number(input.PaginationToken ?? 0);
        const limit = input.Limit ?? 60;
        const page = all.slice(start, start + limit).map(([name, u]) => ({ ...shown(name, u), Attributes: attributes(u) }));
        return { answer: { Users: page, PaginationToken: start + limit < all.length ? String(start + limit) : undefined } };
      }
      case 'AdminGetUser': {
        const u = user();
        return { answer: { ...shown(input.Username, u), UserAttributes: attributes(u) } };
      }
      case 'AdminCreateUser': {
        const id = pool();
        if (this.users.has(input.Username)) throw fakeError('UsernameExistsException', 'User account already exists');
        const attrs = Object.fromEntries((input.UserAttributes ?? []).map((a: { Name: string; Value: string }) => [a.Name, a.Value]));
        const u: FakeUser = {
          poolId: id,
          password: '',
          confirmed: false,
          status: 'FORCE_CHANGE_PASSWORD',
          salt: newSrpSalt(),
          enabled: true,
          attributes: attrs,
          groups: new Set(),
          created: new Date(),
        };
        this.users.set(input.Username, u);
        return { answer: { User: { ...shown(input.Username, u), Attributes: attributes(u) } } };
      }
      case 'AdminSetUserPassword': {
        const u = user();
        strong(input.Password);
        u.password = input.Password;
        if (input.Permanent) {
          u.confirmed = true;
          u.status = 'CONFIRMED';
        }
        return { answer: {} };
      }
      case 'AdminUpdateUserAttributes': {
        const u = user();
        for (const a of input.UserAttributes ?? []) u.attributes[a.Name] = a.Value;
        return { answer: {} };
      }
      case 'AdminConfirmSignUp': {
        const u = user();
        if (u.confirmed) throw fakeError('NotAuthorizedException', `User cannot be confirmed. Current status is ${status(u)}`);
        u.confirmed = true;
        u.status = 'CONFIRMED';
        return { answer: {} };
      }
      case 'AdminDisableUser':
        user().enabled = false;
        return { answer: {} };
      case 'AdminEnableUser':
        user().enabled = true;
        return { answer: {} };
      case 'AdminDeleteUser':
        user();
        this.users.delete(input.Username);
        return { answer: {} };
      case 'AdminResetUserPassword':
        user().status = 'RESET_REQUIRED';
        return { answer: {} };
      case 'AdminUserGlobalSignOut':
        user().accessToken = undefined;
        return { answer: {} };
      case 'AdminAddUserToGroup': {
        const u = user();
        u.groups.add(group());
        return { answer: {} };
      }
      case 'AdminRemoveUserFromGroup': {
        const u = user();
        u.groups.delete(group());
        return { answer: {} };
      }
      case 'AdminListGroupsForUser':
        return { answer: { Groups: [...user().groups].map((GroupName) => ({ GroupName, UserPoolId: input.UserPoolId })) } };
      case 'ListGroups':
        return { answer: { Groups: [...(this.groups.get(pool()) ?? [])].map((GroupName) => ({ GroupName, UserPoolId: input.UserPoolId })) } };
    }
    return undefined;
  }

  private cognito(operation: string, input: any): unknown {
    const admin = this.cognitoAdmin(operation, input);
    if (admin) return admin.answer;
    const user = () => {
      const u = this.users.get(input.Username ?? input.ChallengeResponses?.USERNAME ?? input.AuthParameters?.USERNAME);
      if (!u) throw fakeError('NotAuthorizedException', 'Incorrect username or password.');
      return u;
    };
    switch (operation) {
      case 'InitiateAuth': {
        if (input.AuthFlow !== 'USER_SRP_AUTH') throw fakeError('InvalidParameterException', `${input.AuthFlow} is not faked`);
        const u = user();
        const session = startSrpServer(
          srpVerifier({ userPoolId: u.poolId, userIdForSrp: input.AuthParameters.USERNAME, password: u.password, salt: u.salt }),
          u.salt,
        );
        const secretBlock = Buffer.from(createHash('sha256').update(session.b).digest()).toString('base64');
        this.srpSessions.set(secretBlock, { username: input.AuthParameters.USERNAME, session, srpA: input.AuthParameters.SRP_A });
        return {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: { SALT: u.salt, SRP_B: session.srpB, SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: input.AuthParameters.USERNAME },
        };
      }
      case 'RespondToAuthChallenge': {
        const r = input.ChallengeResponses;
        const pending = this.srpSessions.get(r.PASSWORD_CLAIM_SECRET_BLOCK);
        const u = user();
        this.srpSessions.delete(r.PASSWORD_CLAIM_SECRET_BLOCK);
        const ok =
          pending !== undefined &&
          verifyPasswordClaim({
            userPoolId: u.poolId,
            userIdForSrp: pending.username,
            verifier: srpVerifier({ userPoolId: u.poolId, userIdForSrp: pending.username, password: u.password, salt: u.salt }),
            session: pending.session,
            srpA: pending.srpA,
            secretBlock: r.PASSWORD_CLAIM_SECRET_BLOCK,
            timestamp: r.TIMESTAMP,
            signature: r.PASSWORD_CLAIM_SIGNATURE,
          });
        if (!ok) throw fakeError('NotAuthorizedException', 'Incorrect username or password.');
        if (!u.confirmed) throw fakeError('UserNotConfirmedException', 'User is not confirmed.');
        if (!u.enabled) throw fakeError('NotAuthorizedException', 'User is disabled.');
        if (u.status === 'RESET_REQUIRED') throw fakeError('PasswordResetRequiredException', 'Password reset required for the user');
        u.accessToken = `fake.${Buffer.from(JSON.stringify({ username: pending.username, n: Math.random() })).toString('base64url')}.signature`;
        return {
          AuthenticationResult: { AccessToken: u.accessToken, IdToken: u.accessToken, RefreshToken: 'fake-refresh', ExpiresIn: 3600, TokenType: 'Bearer' },
        };
      }
    }
    const pool = () => {
      const p = this.pools.get(input.UserPoolId);
      if (!p) throw fakeError('ResourceNotFoundException', `User pool ${input.UserPoolId} does not exist.`);
      return p;
    };
    switch (operation) {
      case 'DescribeUserPool': {
        const p = pool();
        return { UserPool: { Id: p.id, Name: p.name, EstimatedNumberOfUsers: p.users, DeletionProtection: p.deletionProtection } };
      }
      case 'UpdateUserPool':
        pool().deletionProtection = input.DeletionProtection ?? 'INACTIVE';
        return {};
      case 'DeleteUserPool': {
        const p = pool();
        if (p.deletionProtection === 'ACTIVE')
          throw fakeError('InvalidParameterException', 'The user pool cannot be deleted because deletion protection is activated.');
        this.pools.delete(p.id);
        return {};
      }
    }
    throw fakeError('InvalidAction', `no fake for cognito ${operation}`);
  }
}
