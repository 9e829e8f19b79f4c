import { describe, expect, it } from 'vitest';
import { junitXml } from '../../../src/client/junit.js';
import { tamper } from '../../../src/client/smoke.js';

describe('JUnit report', () => {
  const report = {
    ok: false,
    target: 'local',
    username: 'a@b.co',
    totalMs: 1234,
    failedStep: 'login',
    steps: [
      { name: 'health', status: 'passed' as const, ms: 12 },
      { name: 'login', status: 'failed' as const, ms: 30, message: 'expected <200> & got "401"' },
      { name: 'profile', status: 'skipped' as const, ms: 0, message: 'an earlier step failed' },
    ],
  };

  it('has one test case per step with failures and skips counted', () => {
    const xml = junitXml(report);
    expect(xml).toContain('tests="3" failures="1" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<failure message="expected &lt;200&gt; &amp; got &quot;401&quot;">');
    expect(xml).toContain('<skipped message="an earlier step failed"/>');
    expect(xml).toContain('time="1.234"');
  });

  it('strips control characters XML cannot carry', () => {
    const xml = junitXml({ ...report, steps: [{ name: 'bad\u0001name', status: 'passed', ms: 1 }] });
    expect(xml).toContain('name="badname"');
  });
});

describe('tampered tokens', () => {
  it('differ from the original in one character of the signature', () => {
    const token = 'aaa.bbb.cccccccccc';
    const t = tamper(token);
    expect(t).not.toBe(token);
    expect(t.split('.').slice(0, 2)).toEqual(['aaa', 'bbb']);
    expect([...t].filter((ch, i) => ch !== token[i])).toHaveLength(1);
  });
});
