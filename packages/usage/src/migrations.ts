import type { Migration } from '@redstate/core';

/** Append-only: never edit, remove or reorder an entry that has shipped. */
export const usageMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'per-session entries hash, rollup hash, index zsets and the global session index',
    // Keys are created by the first recordEntry; the layout needs no setup.
    async up() {},
  },
];
