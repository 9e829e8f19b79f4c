/** The CloudWatch Logs call authstack makes: the function's log events since a time. */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { UserError } from '../core/errors.js';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

export interface LogEvent {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName?: string;
}

export interface LogsApi {
  /** One page of events of the group from `startTime` (ms since the epoch), oldest first. */
  filterLogEvents(input: { logGroupName: string; startTime: number; nextToken?: string }): Promise<{ events: LogEvent[]; nextToken?: string }>;
}

export function logsApi(client: CloudWatchLogsClient, settings: AwsCallSettings = {}): LogsApi {
  const where: AwsCallSettings = { ...settings, service: 'CloudWatch Logs' };
  return {
    async filterLogEvents({ logGroupName, startTime, nextToken }) {
      try {
        const res = await client.send(new FilterLogEventsCommand({ logGroupName, startTime, nextToken }));
        return {
          events: (res.events ?? []).map((e) => ({
            eventId: e.eventId ?? `${e.timestamp}:${e.logStreamName}:${e.message}`,
            timestamp: e.timestamp ?? 0,
            message: e.message ?? '',
            logStreamName: e.logStreamName,
          })),
          nextToken: res.nextToken,
        };
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') {
          throw new UserError('deployment', `The log group ${logGroupName} does not exist.`, {
            code: 'NoLogGroup',
            hint: 'Deploy the stack first (authstack deploy), or check --stack and --region',
          });
        }
        throw awsError(err, `read the logs of ${logGroupName}`, where);
      }
    },
  };
}

export async function logs(aws: AwsFactory): Promise<LogsApi> {
  return logsApi(await aws.logs(), aws.settings);
}
