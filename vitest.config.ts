import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Guards against a hang, not a speed limit (speed is measured by `time npm test` and the bench, never asserted):
    // on this 2-core machine shared by several test runs, an e2e walkthrough that takes 5 s alone can take 60.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Forks, not threads: the layering test changes the working directory, which a worker thread may not.
    pool: 'forks',
    // Each worker loads the project's modules once for all the files it runs, instead of once per file: that
    // loading was 40 % of the suite's CPU time. Tests therefore restore what they change (the environment, the
    // working folder, fake timers, SDK stubs), and a file that mocks modules loads what it tests afresh.
    isolate: false,
    include: ['test/**/*.test.ts'],
    // Every run in a temporary folder of its own, failing when a test leaves something there (test/helpers/temp-dir-guard.ts).
    globalSetup: ['./test/helpers/temp-dir-guard.ts'],
    // One worker per core (vitest's own default leaves one core out: a single worker on the 2-core machine the
    // suite is timed on). The files hardly wait on real time, so a third worker there only loaded every module a
    // third time (measured: ~10 % more CPU, no shorter run); the type check beside the suite takes what idle CPU is
    // left. `--maxWorkers` overrides it.
    maxWorkers: Math.max(2, availableParallelism()),
    // The summary lists every skipped test with its reason (cfn-lint not installed), not only a count.
    reporters: ['default', './test/helpers/skip-notes-reporter.ts'],
    // The SDK's notice that its future releases need Node 22 is noise in test output (the CLI silences it too).
    // Nothing may leave loopback: should a test ever reach the SDK's credential chain with no credentials, it
    // must not probe the instance metadata address.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
  },
});
