/**
 * Turns deploy events into output: a line per stack event (CI logs stay readable), and on a live terminal a
 * progress line under them that is redrawn in place.
 */
import type { Output } from '../core/output.js';
import { HEARTBEAT_MS, formatElapsed, table } from '../core/output.js';
import type { CertificateState } from '../aws/acm.js';
import type { StackEvent } from '../aws/cloudformation.js';
import type { DeployEvent, DeploySink } from './deploy-stack.js';

export interface Printer {
  emit: DeploySink;
  /** Clears the progress line (before an error is printed). */
  close(): void;
}

export function deployPrinter(out: Output, now: () => number = Date.now): Printer {
  const c = out.c;
  let progress: { stackName: string; operation: string; expected: number; done: Set<string>; active: Set<string>; startedAt: number } | undefined;
  let drawn = false;
  /** The certificate CloudFormation waits for, while ACM has not issued it. */
  let certificate: CertificateState | undefined;
  /** On a terminal the progress line is redrawn every second; in a log a "still" line follows any 10 s of silence. */
  let timer: ReturnType<typeof setTimeout> | undefined;

  const summary = () => {
    if (!progress) return '';
    const total = progress.expected ? `/${progress.expected}` : '';
    const waitingFor = certificate ? `, waiting for ACM to validate the certificate for ${certificate.domainName ?? 'the domain'} (${certificate.status})` : '';
    return `${progress.operation} ${progress.stackName}: ${progress.done.size}${total} done, ${progress.active.size} in progress${waitingFor}`;
  };
  const elapsed = () => (progress ? formatElapsed(now() - progress.startedAt) : '');
  const clear = () => {
    if (drawn) out.writeErr('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!out.live || !progress) return;
    out.writeErr(`\r\x1b[2K${c.cyan('›')} ${summary()} ${c.dim(elapsed())}`);
    drawn = true;
  };
  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!progress) return;
    timer = out.live
      ? setTimeout(() => {
          draw();
          arm();
        }, 1000)
      : setTimeout(() => line(c.dim(`still ${summary().replace(/^./, (ch) => ch.toLowerCase())}, ${elapsed()}`)), HEARTBEAT_MS);
    timer.unref?.();
  };
  const line = (text: string) => {
    clear();
    out.info(text);
    draw();
    arm();
  };

  const emit = (e: DeployEvent) => {
    switch (e.type) {
      case 'info':
        line(e.message);
        break;
      case 'warn':
        clear();
        out.warn(e.message);
        draw();
        break;
      case 'change-set':
        line(
          e.changes.length === 0
            ? `Change set for ${e.stackName}: no resource changes.`
            : `Change set for ${e.stackName}:\n${indent(
                table(
                  e.rows.map((r) => [
                    colourAction(c, r[0]!),
                    r[1]!,
                    c.dim(r[2]!),
                    r[3] === 'True' ? c.red(r[3]) : r[3] === 'Conditional' ? c.yellow(r[3]) : r[3]!,
                  ]),
                  ['Action', 'Logical id', 'Type', 'Replacement'],
                ),
              )}`,
        );
        break;
      case 'operation-start':
        progress = { stackName: e.stackName, operation: verb(e.operation), expected: e.resources, done: new Set(), active: new Set(), startedAt: now() };
        line(`${verb(e.operation)} ${e.stackName}…`);
        break;
      case 'stack-event':
        track(e.event);
        line(eventLine(out, e.event));
        break;
      case 'operation-end':
        clear();
        progress = undefined;
        certificate = undefined;
        arm();
        if (e.ok) out.success(`Stack ${e.status}`);
        else out.info(`${c.red('✖ ')}Stack ${e.status}`);
        break;
      case 'certificate': {
        const cert = e.certificate;
        const record = cert.validationRecords[0];
        const text =
          cert.status === 'PENDING_VALIDATION' && record
            ? `Certificate ${cert.domainName ?? ''} ${c.yellow(cert.status)}: waiting for ACM to see the DNS record\n    ${record.name} ${record.type} ${record.value}`
            : `Certificate ${cert.domainName ?? ''} ${cert.status === 'ISSUED' ? c.green(cert.status) : cert.status}${cert.failureReason ? `: ${cert.failureReason}` : ''}`;
        certificate = cert.status === 'PENDING_VALIDATION' ? cert : undefined;
        line(text);
        break;
      }
      case 'bucket':
        line(
          e.phase === 'creating'
            ? `Creating the artifact bucket ${e.bucket} (first deploy in this account and region; private, encrypted, versioned)…`
            : `${c.green('✔')} Artifact bucket ${e.bucket} ready.`,
        );
        break;
      case 'asset': {
        const what = `${e.functionIds.join(', ')} (${(e.size / 1024).toFixed(1)} KiB, ${e.key})`;
        if (e.phase === 'present') line(c.dim(`Code of ${what} already in the artifact bucket.`));
        else if (e.phase === 'uploading') line(`Uploading the code of ${what}…`);
        else line(`${c.green('✔')} Uploaded the code of ${e.functionIds.join(', ')}.`);
        break;
      }
    }
  };

  function track(event: StackEvent) {
    if (!progress || event.resourceType === 'AWS::CloudFormation::Stack') return;
    if (event.status.endsWith('_IN_PROGRESS')) progress.active.add(event.logicalId);
    else {
      progress.active.delete(event.logicalId);
      progress.done.add(event.logicalId);
    }
  }

  return {
    emit,
    close: () => {
      clearTimeout(timer);
      clear();
    },
  };
}

function verb(operation: string): string {
  return operation === 'create' ? 'Creating' : operation === 'update' ? 'Updating' : operation === 'delete' ? 'Deleting' : 'Rolling back';
}

function colourAction(c: Output['c'], action: string): string {
  return action === 'Add' ? c.green(action) : action === 'Remove' ? c.red(action) : action === 'Modify' ? c.yellow(action) : action;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** One line per stack event: time, status, logical id, type, and the reason when there is one. */
function eventLine(out: Output, e: StackEvent): string {
  const c = out.c;
  const time = e.timestamp.toISOString().slice(11, 19);
  const status = e.status.endsWith('_FAILED')
    ? c.red(e.status)
    : e.status.endsWith('_COMPLETE') && !e.status.includes('ROLLBACK') && !e.status.startsWith('DELETE')
      ? c.green(e.status)
      : e.status.includes('ROLLBACK')
        ? c.yellow(e.status)
        : e.status;
  const reason = e.reason && e.reason !== 'User Initiated' ? `  ${c.dim(e.reason)}` : '';
  return `  ${c.dim(time)}  ${status.padEnd(22 + (status.length - e.status.length))}  ${e.logicalId.padEnd(20)}  ${c.dim(e.resourceType)}${reason}`;
}
