/**
 * Lambda log lines made readable. The handler writes one JSON object per request (method, path, status,
 * latencyMs, requestId) and one per unexpected error; Lambda adds START/END/REPORT lines around each call.
 */
import type { ChalkInstance } from 'chalk';

export interface ParsedLine {
  kind: 'request' | 'error' | 'platform' | 'text';
  data?: Record<string, unknown>;
}

export function parseLogLine(message: string): ParsedLine {
  const text = message.trim();
  if (/^(START|END|REPORT|INIT_START|INIT_REPORT) /.test(text)) return { kind: 'platform' };
  const brace = text.indexOf('{');
  if (brace >= 0) {
    try {
      const data = JSON.parse(text.slice(brace)) as unknown;
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
        const d = data as Record<string, unknown>;
        if (typeof d.method === 'string' && typeof d.status === 'number') return { kind: 'request', data: d };
        if (d.level === 'error') return { kind: 'error', data: d };
        return { kind: 'text', data: d };
      }
    } catch {
      // Not JSON: shown as it is.
    }
  }
  return { kind: 'text' };
}

/** One readable line, or undefined for lines not worth showing (START/END unless verbose). */
export function formatLogLine(timestamp: number, message: string, c: ChalkInstance, verbose = false): string | undefined {
  const time = c.dim(new Date(timestamp).toISOString().slice(11, 23));
  const parsed = parseLogLine(message);
  const d = parsed.data ?? {};
  switch (parsed.kind) {
    case 'platform':
      if (!verbose && !message.startsWith('REPORT')) return undefined;
      return `${time}  ${c.dim(message.trim().replace(/\s+/g, ' '))}`;
    case 'request': {
      const status = Number(d.status);
      const colour = status >= 500 ? c.red : status >= 400 ? c.yellow : c.green;
      const error = typeof d.error === 'string' ? `  ${c.yellow(d.error)}` : '';
      const id = typeof d.requestId === 'string' ? `  ${c.dim(d.requestId.slice(0, 8))}` : '';
      return `${time}  ${String(d.method).padEnd(6)} ${String(d.path)}  ${colour(String(status))}  ${d.latencyMs ?? '?'} ms${error}${id}`;
    }
    case 'error': {
      const text = [d.kind, d.message ?? d.msg].filter((v) => typeof v === 'string').join(': ');
      return `${time}  ${c.red('ERROR')}  ${text || JSON.stringify(d)}${typeof d.requestId === 'string' ? `  ${c.dim(d.requestId.slice(0, 8))}` : ''}`;
    }
    default:
      return `${time}  ${message.trimEnd()}`;
  }
}
