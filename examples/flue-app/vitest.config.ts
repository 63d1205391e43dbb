// Used only when this folder is the vitest root (`npx vitest run --root examples/flue-app`
// or `pnpm test` here). In the monorepo's run, the root config's `example-flue-app`
// project provides the same shared test Redis.
import { defineConfig } from 'vitest/config';

// The example needs one Redis, not the harness's local cluster.
process.env.REDSTATE_TEST_CLUSTER ??= 'off';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@redstate/testing/vitest-global-setup'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
