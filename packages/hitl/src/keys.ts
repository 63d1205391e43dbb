import { escapeKeyPart, type KeyUnit, Keyspace, ValidationError } from '@redstate/core';
import type { HumanRequestStatus } from './types.js';

export const DEFAULT_TABLE = 'hitl.human_requests';

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * `schema.table` becomes the key prefix `schema:table` (as in @hitl-sdk/state-ioredis);
 * a bare `table` is used as is.
 */
export function tablePrefix(tableName: string): string {
  const parts = typeof tableName === 'string' ? tableName.split('.') : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new ValidationError(`invalid tableName ${JSON.stringify(tableName)}: expected "table" or "schema.table" identifiers`);
  }
  return parts.join(':');
}

/**
 * The namespace as it appears at the front of namespace-index members (`<ns>\0...`):
 * escaped like a key part, so it never contains the `\0` separator.
 */
export function namespaceMemberPart(namespace: string): string {
  return escapeKeyPart(namespace);
}

/**
 * Every key of one table lives in ONE hash slot (tag `{tableName}`): a resume token must
 * be unique across all requests and the inbox indexes span all requests, so the atomic
 * unit is the table. Scale out with more tables, not more slots.
 *
 * Requests are not stored one hash per request: each field lives in a table-wide hash
 * keyed by request id, so a script that reaches a request through an index reads it with
 * HMGET on keys it received in KEYS (no key is ever built inside Lua).
 */
export class HitlKeys {
  readonly keyspace: Keyspace;
  private readonly unit: KeyUnit;

  constructor(readonly tableName: string) {
    this.keyspace = new Keyspace(tablePrefix(tableName));
    this.unit = this.keyspace.unit(tableName);
  }

  get tag(): string {
    return this.unit.tag;
  }

  /** id -> immutable record JSON (id, token, channel, namespace, message, actions, context?, batchId?, batchIndex?). */
  requestCore(): string {
    return this.unit.key('req', 'core');
  }

  /** id -> `pending` | `resolved`. */
  requestStatus(): string {
    return this.unit.key('req', 'status');
  }

  /** id -> createdAt (ISO-8601). */
  requestCreatedAt(): string {
    return this.unit.key('req', 'created-at');
  }

  /** id -> result JSON. */
  requestResult(): string {
    return this.unit.key('req', 'result');
  }

  /** id -> resolvedAt (ISO-8601). */
  requestResolvedAt(): string {
    return this.unit.key('req', 'resolved-at');
  }

  /** id -> externalId. */
  requestExternalId(): string {
    return this.unit.key('req', 'ext');
  }

  /** id -> externalIds, encoded as length-prefixed plugin/value pairs (see ext-ids.ts). */
  requestExternalIds(): string {
    return this.unit.key('req', 'ext-ids');
  }

  /** id -> channel (setExternalId's default plugin key). */
  requestChannel(): string {
    return this.unit.key('req', 'channel');
  }

  /** id -> `<15-digit createdAt ms><escaped namespace>`: lets resolve rebuild index members. */
  requestPosition(): string {
    return this.unit.key('req', 'pos');
  }

  /** The field hashes the read scripts take as KEYS[2..8] (lua/includes/read-requests.lua). */
  requestReadKeys(): string[] {
    return [
      this.requestCore(),
      this.requestStatus(),
      this.requestCreatedAt(),
      this.requestResult(),
      this.requestResolvedAt(),
      this.requestExternalId(),
      this.requestExternalIds(),
    ];
  }

  tokenIndex(): string {
    return this.unit.key('idx', 'token');
  }

  externalIndex(): string {
    return this.unit.key('idx', 'ext');
  }

  /** Lex ZSET (score 0) of `<ms15>\0<id>` for every request. */
  all(): string {
    return this.unit.key('idx', 'all');
  }

  /** Lex ZSET (score 0) of `<ms15>\0<id>` per status. */
  status(status: HumanRequestStatus): string {
    return this.unit.key('idx', 'status', status);
  }

  /** Lex ZSET (score 0) of `<escaped ns>\0<ms15>\0<id>` for every request. */
  namespaces(): string {
    return this.unit.key('idx', 'ns');
  }

  /** Lex ZSET (score 0) of `<escaped ns>\0<ms15>\0<id>` per status. */
  namespacesStatus(status: HumanRequestStatus): string {
    return this.unit.key('idx', 'ns-status', status);
  }

  batch(id: string): string {
    return this.unit.key('batch', id);
  }

  batchItems(batchId: string): string {
    return this.unit.key('batch', batchId, 'items');
  }

  thread(threadId: string): string {
    return this.unit.key('timeline', threadId);
  }

  threadEntries(threadId: string): string {
    return this.unit.key('timeline', threadId, 'entries');
  }

  notify(id: string): string {
    return this.unit.key('notify', id);
  }
}

/** createdAt ms as the fixed-width 15-digit text index members use (clamped to that range). */
export function msKey(ms: number): string {
  return String(Math.min(999_999_999_999_999, Math.max(0, Math.floor(ms)))).padStart(15, '0');
}
