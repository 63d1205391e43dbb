import type { Migration } from '@redstate/core';

/** Append-only: never edit, remove or reorder a shipped entry. */
export const lockMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'lock lease strings, fencing counters and semaphore sets (created on first use; nothing to backfill)',
    up: async () => {},
  },
];
