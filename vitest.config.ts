import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The SDK's notice that its future releases need Node 22 is noise in test output (the CLI silences it too).
    // Nothing may leave loopback: should a test ever reach the SDK's credential chain with no credentials, it
    // must not probe the instance metadata address.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
  },
});
