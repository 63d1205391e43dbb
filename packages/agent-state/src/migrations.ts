import type { Migration } from '@redstate/core';

/** Append-only: never edit, remove or reorder an entry that has shipped. */
export const migrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'session hash + message list + checkpoint zset/hash + staging hash + fence; stream meta hash + chunk stream',
    // The initial layout needs no data changes: keys are created by the first write.
    up: async () => {},
  },
];
