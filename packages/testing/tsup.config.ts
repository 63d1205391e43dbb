import { defineConfig } from 'tsup';

const shared = {
  dts: true,
  sourcemap: true,
  target: 'node22',
  external: ['vitest', '@testcontainers/redis', 'ioredis'],
} as const;

// The harness works from ESM and CJS; the vitest helpers are ESM-only because vitest is.
export default defineConfig([
  { ...shared, entry: ['src/index.ts'], format: ['esm', 'cjs'], clean: true },
  { ...shared, entry: ['src/vitest.ts', 'src/vitest-global-setup.ts'], format: ['esm'] },
]);
