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
] as const;

export const projects = [
  ...packages.map((name) => ({
    extends: true as const,
    test: {
      name,
      root: `packages/${name}`,
      include: ['test/**/*.test.ts'],
    },
  })),
  {
    extends: true as const,
    test: { name: 'repo', root: '.', include: ['test/**/*.test.ts'] },
  },
];
