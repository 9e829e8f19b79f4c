/** The Route 53 calls authstack makes: list hosted zones, read one zone's name servers. */
import { GetHostedZoneCommand, ListHostedZonesCommand, type Route53Client } from '@aws-sdk/client-route-53';
import type { AwsFactory } from '../core/aws.js';
import { awsError, errorName, type AwsCallSettings } from './errors.js';

export interface HostedZone {
  /** Without the `/hostedzone/` prefix. */
  id: string;
  /** Without the trailing dot, lower case. */
  name: string;
  privateZone: boolean;
}

export interface Route53Api {
  /** Every hosted zone of the account (all pages). */
  listHostedZones(): Promise<HostedZone[]>;
  /** The zone and the name servers Route 53 assigned it; undefined when there is no such zone. */
  getHostedZone(id: string): Promise<(HostedZone & { nameServers: string[] }) | undefined>;
}

export function route53Api(client: Route53Client, settings: AwsCallSettings = {}): Route53Api {
  const where: AwsCallSettings = { ...settings, service: 'Route 53' };
  return {
    async listHostedZones() {
      const zones: HostedZone[] = [];
      let marker: string | undefined;
      try {
        do {
          const res = await client.send(new ListHostedZonesCommand({ Marker: marker }));
          for (const z of res.HostedZones ?? []) zones.push(toZone(z.Id, z.Name, z.Config?.PrivateZone));
          marker = res.IsTruncated ? res.NextMarker : undefined;
        } while (marker);
      } catch (err) {
        throw awsError(err, 'list the Route 53 hosted zones', where);
      }
      return zones;
    },
    async getHostedZone(id) {
      try {
        const res = await client.send(new GetHostedZoneCommand({ Id: id }));
        const zone = toZone(res.HostedZone?.Id ?? id, res.HostedZone?.Name, res.HostedZone?.Config?.PrivateZone);
        return { ...zone, nameServers: (res.DelegationSet?.NameServers ?? []).map(normaliseHost) };
      } catch (err) {
        if (errorName(err) === 'NoSuchHostedZone' || errorName(err) === 'InvalidInput') return undefined;
        throw awsError(err, `read the hosted zone ${id}`, where);
      }
    },
  };
}

function toZone(id: string | undefined, name: string | undefined, privateZone: boolean | undefined): HostedZone {
  return { id: (id ?? '').replace(/^\/?hostedzone\//, ''), name: normaliseHost(name ?? ''), privateZone: Boolean(privateZone) };
}

export function normaliseHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export async function route53(aws: AwsFactory): Promise<Route53Api> {
  return route53Api(await aws.route53(), aws.settings);
}
