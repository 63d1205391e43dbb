import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/pikku.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  external: ['ioredis', '@redstate/core', '@pikku/core'],
});
