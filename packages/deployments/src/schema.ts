import type { Migration } from '@redstate/core';

export const DEPLOYMENTS_NAMESPACE = 'deployments';

/** Append-only. Never edit, remove or reorder an entry that has shipped. */
export const deploymentMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'live ZSET scored by server-time expiry, endpoints hash, lex function indexes (created on first write)',
    up: async () => {},
  },
];
