import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../../src/core/output.js';
import { deployPrinter } from '../../../src/deploy/printer.js';
import type { CertificateState } from '../../../src/aws/acm.js';

/** The deploy printer while CloudFormation waits for the certificate, on a fake clock (no real waiting). */
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
afterEach(() => vi.useRealTimers());

const pending: CertificateState = {
  arn: 'arn:aws:acm:us-east-1:123456789012:certificate/1',
  domainName: 'api.example.com',
  status: 'PENDING_VALIDATION',
  validationRecords: [{ name: '_x.api.example.com.', type: 'CNAME', value: '_y.acm-validations.aws.' }],
};

function printing(terminal: boolean) {
  const writes: Array<{ at: number; text: string }> = [];
  const out = new Output(
    { stdout: { write: () => true }, stderr: { write: (s: string) => writes.push({ at: Date.now(), text: s }), isTTY: terminal } },
    { env: terminal ? { NO_COLOR: '1' } : { CI: 'true', NO_COLOR: '1' } },
  );
  const printer = deployPrinter(out, Date.now);
  printer.emit({ type: 'operation-start', operation: 'create', stackName: 'authstack', resources: 12 });
  printer.emit({
    type: 'stack-event',
    event: {
      eventId: '1',
      timestamp: new Date(),
      logicalId: 'Certificate',
      resourceType: 'AWS::CertificateManager::Certificate',
      status: 'CREATE_IN_PROGRESS',
    },
  });
  printer.emit({ type: 'certificate', certificate: pending });
  return { writes, printer, text: () => writes.map((w) => w.text).join('') };
}

describe('deploy progress while the certificate is pending', () => {
  it('in CI: a "still" line naming the certificate after every 10 s of silence, and none after the operation ends', async () => {
    const { writes, printer, text } = printing(false);
    await vi.advanceTimersByTimeAsync(35_000);
    const still = text()
      .split('\n')
      .filter((l) => l.startsWith('still '));
    expect(still).toEqual([
      'still creating authstack: 0/12 done, 1 in progress, waiting for ACM to validate the certificate for api.example.com (PENDING_VALIDATION), 0:10',
      'still creating authstack: 0/12 done, 1 in progress, waiting for ACM to validate the certificate for api.example.com (PENDING_VALIDATION), 0:20',
      'still creating authstack: 0/12 done, 1 in progress, waiting for ACM to validate the certificate for api.example.com (PENDING_VALIDATION), 0:30',
    ]);
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.at - writes[i - 1]!.at).toBeLessThanOrEqual(10_000);
    printer.emit({ type: 'operation-end', status: 'CREATE_COMPLETE', ok: true });
    const before = writes.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(writes.length).toBe(before);
    printer.close();
  });

  it('on a terminal: the progress line says what it waits for, with the elapsed time, redrawn each second', async () => {
    const { printer, text } = printing(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(text()).toContain(
      '\r\x1b[2K› Creating authstack: 0/12 done, 1 in progress, waiting for ACM to validate the certificate for api.example.com (PENDING_VALIDATION) 0:03',
    );
    expect(text()).not.toContain('still ');
    printer.close();
  });
});
