// Bundled by bench/lib/deploy.mjs at bench time: drives `authstack deploy` in-process against the deploy tests'
// fake AWS account, and reports the AWS calls of a first deploy, a no-op deploy and a code-only deploy.
import { deployWorld } from '../../test/unit/deploy/helpers.js';

interface Measured {
  outcome: string | undefined;
  code: number | null;
  ms: number;
  calls: Array<{ service: string; operation: string }>;
  /** The change set's resources (logical ids), for a deploy that made one. */
  changed: string[];
}

export async function measureDeployFastPaths(): Promise<{ create: Measured; noop: Measured; codeOnly: Measured }> {
  const w = await deployWorld();
  try {
    const step = async (code: string): Promise<Measured> => {
      const before = w.aws.calls.length;
      const t = performance.now();
      const r = await w.deploy(['--json'], { code });
      const ms = performance.now() - t;
      let doc: { outcome?: string; changes?: Array<{ logicalId: string }> } = {};
      try {
        doc = r.json() as typeof doc;
      } catch {
        doc = {};
      }
      return {
        outcome: doc.outcome,
        code: r.code,
        ms,
        changed: (doc.changes ?? []).map((c) => c.logicalId),
        calls: w.aws.calls.slice(before).map((c) => ({ service: c.service, operation: c.operation })),
      };
    };
    const create = await step('code v1');
    const noop = await step('code v1');
    const codeOnly = await step('code v2');
    return { create, noop, codeOnly };
  } finally {
    await w.cleanup();
  }
}
