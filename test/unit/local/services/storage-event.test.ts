import { describe, expect, it } from 'vitest';
import { eventKey } from '../../../../src/functions/pictures/handler.js';
import { s3EventRecord } from '../../../../src/local/services/storage/index.js';

describe('the local bucket notification', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
  it('is the event message structure 2.1 S3 sends to Lambda, its key URL-encoded so the function decodes it back', () => {
    const key = 'uploads/sub 1/ä+b';
    const event = s3EventRecord({ bucket: 'pics', key, size: 12, etag: '"abc"', contentType: 'image/jpeg' }, 'local', new Date(Date.UTC(2026, 0, 2))) as {
      Records: [
        {
          eventVersion: string;
          eventSource: string;
          awsRegion: string;
          eventTime: string;
          eventName: string;
          s3: { bucket: { name: string; arn: string }; object: { key: string; size: number; eTag: string } };
        },
      ];
    };
    const [record] = event.Records;
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'local',
      eventTime: '2026-01-02T00:00:00.000Z',
      eventName: 'ObjectCreated:Post',
    });
    expect(record.s3.bucket).toMatchObject({ name: 'pics', arn: 'arn:aws:s3:::pics' });
    expect(record.s3.object).toMatchObject({ key: 'uploads/sub+1/%C3%A4%2Bb', size: 12, eTag: 'abc' });
    expect(eventKey(record.s3.object.key)).toBe(key);
  });
});
