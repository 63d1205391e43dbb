import { defineConfig } from 'tsup';

// ESM only: @flue/runtime publishes only an `import` condition, so a CJS build could not load it.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  external: ['ioredis', '@redstate/core', '@flue/runtime'],
});
