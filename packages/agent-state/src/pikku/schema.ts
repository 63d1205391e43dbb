import type { Migration } from '@redstate/core';

export const PIKKU_AGENT_NAMESPACE = 'pikku-agent';

/** Append-only. Never edit, remove or reorder an entry that has shipped. */
export const pikkuAgentMigrations: readonly Migration[] = [
  {
    id: '001-initial',
    description: 'per-thread units (data, messages, runs, scores, memory) and global thread/agent/tool-call indexes',
    up: async () => {},
  },
];
