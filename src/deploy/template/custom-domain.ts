/** The API on a custom domain: everything here exists only when the DomainName parameter is set. */
import { LOGICAL_IDS, PARAMETERS as P, type CfnResource } from '../template.js';
import { getAtt, ref } from './intrinsics.js';

export function customDomainResources(): Record<string, CfnResource> {
  const alias = (type: 'A' | 'AAAA'): CfnResource => ({
    Type: 'AWS::Route53::RecordSet',
    Condition: 'HasDomain',
    Properties: {
      HostedZoneId: ref(P.hostedZoneId),
      Name: ref(P.domainName),
      Type: type,
      AliasTarget: {
        DNSName: getAtt(LOGICAL_IDS.domainName, 'RegionalDomainName'),
        HostedZoneId: getAtt(LOGICAL_IDS.domainName, 'RegionalHostedZoneId'),
        EvaluateTargetHealth: false,
      },
    },
  });
  return {
    [LOGICAL_IDS.certificate]: {
      Type: 'AWS::CertificateManager::Certificate',
      Condition: 'HasDomain',
      Properties: {
        DomainName: ref(P.domainName),
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: ref(P.domainName), HostedZoneId: ref(P.hostedZoneId) }],
      },
    },
    // REGIONAL, so the certificate lives in the stack's own region (an edge domain would need us-east-1);
    // dualstack so the AAAA alias resolves to something that answers over IPv6.
    [LOGICAL_IDS.domainName]: {
      Type: 'AWS::ApiGateway::DomainName',
      Condition: 'HasDomain',
      Properties: {
        DomainName: ref(P.domainName),
        RegionalCertificateArn: ref(LOGICAL_IDS.certificate),
        EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' },
        SecurityPolicy: 'TLS_1_2',
      },
    },
    ApiBasePathMapping: {
      Type: 'AWS::ApiGateway::BasePathMapping',
      Condition: 'HasDomain',
      Properties: { DomainName: ref(LOGICAL_IDS.domainName), RestApiId: ref(LOGICAL_IDS.api), Stage: ref(LOGICAL_IDS.stage) },
    },
    ApiDnsRecordA: alias('A'),
    ApiDnsRecordAAAA: alias('AAAA'),
  };
}
