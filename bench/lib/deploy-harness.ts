// Bundled by bench/lib/deploy.mjs at bench time: drives `authstack deploy` in-process against the deploy tests'
// fake AWS account, and reports the AWS calls of a no-op deploy and of a code-only deploy.
import { deployWorld } from '../../test/unit/deploy/helpers.js';

interface Measured {
  outcome: string | undefined;
  code: number | null;
  ms: number;
  calls: Array<{ service: string; operation: string }>;
}

export async function measureDeployFastPaths(): Promise<{ create: Measured; noop: Measured; codeOnly: Measured }> {
  const w = await deployWorld({ functionUpdatePolls: 1 });
  try {
    const step = async (code: string): Promise<Measured> => {
      const before = w.aws.calls.length;
      const t = performance.now();
      const r = await w.deploy(['--json'], { code });
      const ms = performance.now() - t;
      let outcome: string | undefined;
      try {
        outcome = (r.json() as { outcome?: string }).outcome;
      } catch {
        outcome = undefined;
      }
      return { outcome, code: r.code, ms, calls: w.aws.calls.slice(before).map((c) => ({ service: c.service, operation: c.operation })) };
    };
    const create = await step('code v1');
    const noop = await step('code v1');
    const codeOnly = await step('code v2');
    return { create, noop, codeOnly };
  } finally {
    await w.cleanup();
  }
}
