/** The one ACM call authstack makes: how far the custom domain's certificate got, and its validation record. */
import { DescribeCertificateCommand, type ACMClient } from '@aws-sdk/client-acm';
import type { AwsFactory } from '../core/aws.js';
import { awsError, type AwsCallSettings } from './errors.js';

export interface CertificateState {
  arn: string;
  domainName?: string;
  /** `PENDING_VALIDATION`, `ISSUED`, `FAILED`, `VALIDATION_TIMED_OUT`, ... */
  status: string;
  failureReason?: string;
  /** The DNS record ACM wants to see before it issues the certificate. */
  validationRecords: Array<{ name: string; type: string; value: string; status?: string }>;
}

export interface AcmApi {
  describeCertificate(arn: string): Promise<CertificateState>;
}

export function acmApi(client: ACMClient, settings: AwsCallSettings = {}): AcmApi {
  const where: AwsCallSettings = { ...settings, service: 'ACM' };
  return {
    async describeCertificate(arn) {
      try {
        const { Certificate: c } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
        return {
          arn,
          domainName: c?.DomainName,
          status: c?.Status ?? 'UNKNOWN',
          failureReason: c?.FailureReason,
          validationRecords: (c?.DomainValidationOptions ?? []).flatMap((o) =>
            o.ResourceRecord
              ? [{ name: o.ResourceRecord.Name ?? '', type: o.ResourceRecord.Type ?? 'CNAME', value: o.ResourceRecord.Value ?? '', status: o.ValidationStatus }]
              : [],
          ),
        };
      } catch (err) {
        throw awsError(err, 'read the certificate', where);
      }
    },
  };
}

export async function acm(aws: AwsFactory): Promise<AcmApi> {
  return acmApi(await aws.acm(), aws.settings);
}
