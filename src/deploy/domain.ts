/**
 * The custom domain's hosted zone: which Route 53 zone holds it, and whether the public DNS really delegates
 * to that zone. Without the delegation ACM never sees the validation record and the deploy would hang.
 */
import type { HostedZone, Route53Api } from '../aws/route53.js';
import { normaliseHost } from '../aws/route53.js';
import { UserError } from '../core/errors.js';

/** `node:dns` `resolveNs`, injected so tests never touch DNS. */
export type ResolveNs = (name: string) => Promise<string[]>;

export interface ResolvedZone {
  id: string;
  name: string;
  nameServers: string[];
}

/** True when `zone` is `domain` or a parent of it on a label boundary (`example.com` for `api.example.com`). */
export function zoneCovers(zone: string, domain: string): boolean {
  const z = normaliseHost(zone);
  const d = normaliseHost(domain);
  return d === z || d.endsWith(`.${z}`);
}

/**
 * The public zone for `domain`: `hostedZoneId` when given (checked), otherwise the longest zone name that is a
 * suffix of the domain. Private zones are skipped: ACM validates through the public DNS.
 */
export async function findHostedZone(route53: Route53Api, domain: string, hostedZoneId?: string): Promise<ResolvedZone> {
  if (hostedZoneId) {
    const zone = await route53.getHostedZone(hostedZoneId);
    if (!zone) {
      throw new UserError('usage', `There is no Route 53 hosted zone ${hostedZoneId} in this account.`, {
        code: 'NoSuchHostedZone',
        hint: 'Check --hosted-zone-id and --profile',
      });
    }
    if (!zoneCovers(zone.name, domain)) {
      throw new UserError('usage', `The hosted zone ${hostedZoneId} is ${zone.name}, which cannot hold ${domain}.`, {
        code: 'WrongHostedZone',
        hint: `Pick a zone whose name ends ${domain}'s name`,
      });
    }
    if (zone.privateZone) {
      throw new UserError('usage', `The hosted zone ${hostedZoneId} (${zone.name}) is private; the certificate needs a public zone.`, {
        code: 'PrivateHostedZone',
      });
    }
    return { id: zone.id, name: zone.name, nameServers: zone.nameServers };
  }
  const zones = (await route53.listHostedZones()).filter((z) => !z.privateZone && zoneCovers(z.name, domain));
  if (zones.length === 0) {
    throw new UserError('usage', `No public Route 53 hosted zone in this account holds ${domain}.`, {
      code: 'NoHostedZone',
      hint: `Create one for the domain (or a parent of it) first, or pass --hosted-zone-id`,
    });
  }
  const longest = Math.max(...zones.map((z) => z.name.length));
  const best: HostedZone[] = zones.filter((z) => z.name.length === longest);
  if (best.length > 1) {
    throw new UserError('usage', `Several public hosted zones are named ${best[0]!.name}: ${best.map((z) => z.id).join(', ')}.`, {
      code: 'AmbiguousHostedZone',
      hint: 'Choose one with --hosted-zone-id',
    });
  }
  const zone = await route53.getHostedZone(best[0]!.id);
  if (!zone) throw new UserError('aws', `The hosted zone ${best[0]!.id} disappeared while authstack read it.`, { code: 'NoSuchHostedZone' });
  return { id: zone.id, name: zone.name, nameServers: zone.nameServers };
}

export type DelegationCheck =
  | { ok: true }
  | { ok: false; reason: 'mismatch' | 'not-delegated'; publicNameServers: string[] }
  | { ok: 'unknown'; error: string };

/** Compares the zone's Route 53 name servers with those the public DNS answers for the zone name. */
export async function checkDelegation(zone: ResolvedZone, resolveNs: ResolveNs, timeoutMs = 5000): Promise<DelegationCheck> {
  let answer: string[];
  try {
    answer = await withTimeout(resolveNs(zone.name), timeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN') return { ok: false, reason: 'not-delegated', publicNameServers: [] };
    return { ok: 'unknown', error: code ?? (err as Error)?.message ?? String(err) };
  }
  const publicNs = answer.map(normaliseHost).sort();
  const ours = new Set(zone.nameServers.map(normaliseHost));
  if (publicNs.length > 0 && publicNs.every((ns) => ours.has(ns))) return { ok: true };
  return { ok: false, reason: publicNs.length ? 'mismatch' : 'not-delegated', publicNameServers: publicNs };
}

export function delegationError(zone: ResolvedZone, check: Extract<DelegationCheck, { ok: false }>): UserError {
  const ours = zone.nameServers.join(', ');
  const message =
    check.reason === 'not-delegated'
      ? `The public DNS has no name servers for ${zone.name}: the domain is not delegated to the Route 53 zone ${zone.id}, so the certificate could never be validated.`
      : `The public DNS delegates ${zone.name} to ${check.publicNameServers.join(', ')}, not to the Route 53 zone ${zone.id} (${ours}), so the certificate could never be validated.`;
  return new UserError('deployment', message, {
    code: 'DomainNotDelegated',
    hint: `Set the domain's name servers at its registrar (or parent zone) to ${ours}, or pass --skip-dns-check if you know better`,
    details: { hostedZoneId: zone.id, zoneNameServers: zone.nameServers, publicNameServers: check.publicNameServers },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEOUT' })), ms);
    timer.unref?.();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
