import type { Migration } from '@redstate/core';

export const CHANNELS_NAMESPACE = 'channels';

/** Append-only. Never edit, remove or reorder an entry that has shipped. */
export const channelMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'channel store hashes, expiry ZSET and lex subscription indexes (created on first write)',
    up: async () => {},
  },
];
