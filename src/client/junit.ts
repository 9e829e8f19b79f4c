import type { SmokeReport } from './smoke.js';

const escapeXml = (s: string) =>
  s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters, even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/** JUnit XML as CI systems (GitHub, GitLab, Jenkins) display it: one test case per smoke step. */
export function junitXml(report: SmokeReport, suite = 'authstack smoke'): string {
  const failures = report.steps.filter((s) => s.status === 'failed').length;
  const skipped = report.steps.filter((s) => s.status === 'skipped').length;
  const cases = report.steps.map((s) => {
    const open = `    <testcase classname="authstack.smoke.${escapeXml(report.target)}" name="${escapeXml(s.name)}" time="${(s.ms / 1000).toFixed(3)}"`;
    if (s.status === 'failed')
      return `${open}>\n      <failure message="${escapeXml(s.message ?? 'failed')}">${escapeXml(s.message ?? '')}</failure>\n    </testcase>`;
    if (s.status === 'skipped') return `${open}>\n      <skipped message="${escapeXml(s.message ?? '')}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suite)}" tests="${report.steps.length}" failures="${failures}" skipped="${skipped}" time="${(report.totalMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${report.steps.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${(report.totalMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
