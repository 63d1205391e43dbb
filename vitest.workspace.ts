// The test projects: one per package, plus `repo` for checks across the whole monorepo.
// The root vitest.config.ts reads this list through `test.projects`; each inline project
// inherits the root config (global setup with the shared Redis and cluster, timeouts).
const packages = [
  'core',
  'testing',
  'locks',
  'agent-state',
  'usage',
  'workflow',
  'channels',
  'deployments',
  'hitl',
  'flue',
  'cli',
] as const;

// Runnable example apps, each with its own test against real Redis.
const examples = ['pikku-workflow', 'helix-agent-sse', 'hitl-approvals', 'flue-app'] as const;

const suite = [
  ...packages.map((name) => ({
    extends: true as const,
    test: {
      name,
      root: `packages/${name}`,
      include: ['test/**/*.test.ts'],
    },
  })),
  ...examples.map((name) => ({
    extends: true as const,
    test: { name: `example-${name}`, root: `examples/${name}`, include: ['test/**/*.test.ts'] },
  })),
  {
    extends: true as const,
    test: { name: 'repo', root: '.', include: ['test/**/*.test.ts'] },
  },
];

// Fault injection (server kills, CLIENT KILL, maxmemory) across every package; slow, so it runs
// only from `pnpm test:reliability` (REDSTATE_SUITE=reliability), never inside `pnpm test`.
const reliability = [
  {
    extends: true as const,
    test: {
      name: 'reliability',
      root: 'packages/reliability',
      include: ['test/**/*.test.ts'],
      globalSetup: ['./src/global-setup.ts'],
      testTimeout: 180_000,
      fileParallelism: false,
    },
  },
];

export const projects = process.env.REDSTATE_SUITE === 'reliability' ? reliability : suite;
