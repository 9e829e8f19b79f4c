import { describe, expect, it } from 'vitest';
import { checkDelegation, findHostedZone, zoneCovers } from '../../../src/deploy/domain.js';
import { deployStack, type DeployEvent } from '../../../src/deploy/deploy-stack.js';
import { route53Api } from '../../../src/aws/route53.js';
import { cloudFormation } from '../../../src/aws/cloudformation.js';
import { templateParameterNames } from '../../../src/deploy/template.js';
import { CODE_V1, testTemplate } from './helpers.js';
import { FakeAws } from '../../helpers/fake-aws/fake-aws.js';

const NS = ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.com'];

async function zonesWorld() {
  const aws = new FakeAws();
  aws.addZone({ id: 'ZCOM', name: 'example.com', nameServers: NS });
  aws.addZone({ id: 'ZPRIVATE', name: 'api.example.com', privateZone: true, nameServers: ['ns-private'] });
  aws.addZone({ id: 'ZDEV', name: 'dev.example.com', nameServers: ['ns-9.awsdns-09.net'] });
  aws.addZone({ id: 'ZOTHER', name: 'notexample.com', nameServers: ['ns-7.awsdns-07.net'] });
  return { aws, route53: route53Api(await aws.factory().route53()) };
}

describe('hosted zone lookup', () => {
  it('matches zone names on label boundaries only', () => {
    expect(zoneCovers('example.com', 'api.example.com')).toBe(true);
    expect(zoneCovers('example.com.', 'API.Example.com')).toBe(true);
    expect(zoneCovers('ample.com', 'api.example.com')).toBe(false);
    expect(zoneCovers('api.example.com', 'example.com')).toBe(false);
  });

  it('picks the longest public zone that holds the domain, skipping private zones, across pages', async () => {
    const { route53 } = await zonesWorld();
    expect(await findHostedZone(route53, 'api.example.com')).toEqual({ id: 'ZCOM', name: 'example.com', nameServers: NS });
    expect((await findHostedZone(route53, 'x.dev.example.com')).id).toBe('ZDEV');
  });

  it('uses --hosted-zone-id when given, and rejects a zone that cannot hold the domain', async () => {
    const { route53 } = await zonesWorld();
    expect((await findHostedZone(route53, 'api.dev.example.com', 'ZCOM')).id).toBe('ZCOM');
    await expect(findHostedZone(route53, 'api.example.com', 'ZOTHER')).rejects.toThrow('is notexample.com, which cannot hold api.example.com');
    await expect(findHostedZone(route53, 'api.example.com', 'ZNONE')).rejects.toThrow('There is no Route 53 hosted zone ZNONE');
  });

  it('says so when no zone holds the domain', async () => {
    const { route53 } = await zonesWorld();
    await expect(findHostedZone(route53, 'api.example.org')).rejects.toThrow('No public Route 53 hosted zone in this account holds api.example.org.');
  });
});

describe('delegation check', () => {
  const zone = { id: 'ZCOM', name: 'example.com', nameServers: NS };

  it("passes when the public DNS answers the zone's own name servers", async () => {
    expect(await checkDelegation(zone, async () => ['NS-2.awsdns-02.com.', 'ns-1.awsdns-01.org'])).toEqual({ ok: true });
  });

  it('reports name servers that differ, and a domain not delegated at all', async () => {
    expect(await checkDelegation(zone, async () => ['ns1.registrar-parking.example'])).toEqual({
      ok: false,
      reason: 'mismatch',
      publicNameServers: ['ns1.registrar-parking.example'],
    });
    const nx = Object.assign(new Error('queryNs ENOTFOUND example.com'), { code: 'ENOTFOUND' });
    expect(await checkDelegation(zone, async () => Promise.reject(nx))).toMatchObject({ ok: false, reason: 'not-delegated' });
  });

  it('stops a deploy before any CloudFormation write when the delegation is wrong', async () => {
    const { aws } = await zonesWorld();
    const factory = aws.factory();
    const { body, template } = testTemplate();
    const events: DeployEvent[] = [];
    const run = deployStack(
      {
        stackName: 'authstack',
        region: 'us-east-1',
        templateBody: body,
        templateParameters: templateParameterNames(template),
        parameters: {},
        assets: [CODE_V1],
        domain: { name: 'api.example.com' },
        yes: true,
        pollIntervalMs: 1,
      },
      {
        cfn: await cloudFormation(factory),
        s3: () => Promise.reject(new Error('nothing is published before the delegation check')),
        accountId: () => Promise.reject(new Error('nothing is published before the delegation check')),
        acm: async () => (await import('../../../src/aws/acm.js')).acm(factory),
        route53: async () => route53Api(await factory.route53()),
        resolveNs: async () => ['ns1.elsewhere.example'],
        clock: { now: Date.now, sleep: async () => undefined },
        confirm: async () => true,
        emit: (e) => events.push(e),
      },
    );
    await expect(run).rejects.toThrow('The public DNS delegates example.com to ns1.elsewhere.example, not to the Route 53 zone ZCOM');
    expect(aws.writes()).toEqual([]);
  });
});
