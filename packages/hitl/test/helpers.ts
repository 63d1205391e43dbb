import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@redstate/core';
import { keysMatching } from '@redstate/testing';
import { type NewHumanRequestRecord, RedisHitlState, type ResolvedResult } from '../src/index.js';

/** A table name unique to one test (identifiers only, like the seed package requires). */
export function uniqueTable(label = 't'): string {
  return `hitl_${label}_${randomBytes(5).toString('hex')}.human_requests`;
}

export function newState(client: RedisClient, label = 't'): RedisHitlState {
  return new RedisHitlState(client, { tableName: uniqueTable(label) });
}

export function newRecord(id: string, extra: Partial<NewHumanRequestRecord> = {}): NewHumanRequestRecord {
  return {
    id,
    token: `tok_${id}`,
    channel: 'lead-approvals',
    message: 'Inbound lead',
    actions: [{ id: 'approve', fields: { subject: { type: 'text', label: 'Subject' } } }, { id: 'deny' }],
    ...extra,
  };
}

export function resolved(id: string, actionId = 'approve'): ResolvedResult {
  return { type: 'RESOLVED', actionId, id, externalRef: '', feedbacks: {} };
}

/** Every key stored under a table's prefix (tests only: operations never scan). */
export async function keysOf(client: RedisClient, state: RedisHitlState): Promise<string[]> {
  return (await keysMatching(client, `${state.keys.keyspace.prefix}:*`)).sort();
}
