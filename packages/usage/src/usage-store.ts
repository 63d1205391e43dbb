import { randomUUID } from 'node:crypto';
import {
  asInteger,
  Batch,
  CorruptDataError,
  type EnsureSchemaResult,
  batchGroupOf,
  idSchema,
  Keyspace,
  withMappedErrors,
  parseInput,
  parseStored,
  parseStoredJson,
  type RedisClient,
  type BatchOutcome,
  type ScriptArg,
  SchemaLedger,
  TickBatcher,
  ValidationError,
  isRedisClient,
  toJson,
} from '@redstate/core';
import { type UsageEntry, type UsageEntryInput, usageEntryInputSchema, usageEntrySchema } from './entry-schema.js';
import { type GetEntriesOptions, getEntriesOptionsSchema, planEntries } from './entries-query.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { type IndexKeys, indexShardKeys, type SessionKeys, sessionKeys, shardOf } from './keys.js';
import { usageMigrations } from './migrations.js';
import {
  type FindSessionIdsOptions,
  findSessionIdsOptionsSchema,
  type GetRollupOptions,
  getRollupOptionsSchema,
  type RecordEntryResult,
  type RedisUsageStoreOptions,
  type SessionIdPage,
  usageStoreOptionsSchema,
} from './options.js';
import { mergeRollup, parseRollup, type UsageRollup } from './rollup.js';
import { recordArgs } from './record-args.js';
import { mergeShardPages } from './session-page.js';
import {
  getEntriesScript,
  indexListScript,
  indexRemoveScript,
  indexTouchScript,
  readRollupScript,
  recordEntriesScript,
} from './scripts.js';

const DEFAULT_PREFIX = 'helix';
const DEFAULT_TTL_SECONDS = 86_400;
const DEFAULT_MAX_DEPTH = 10;
const DEFAULT_PAGE = 100;
/** Expired sessions dropped from the index per findSessionIds call. */
const PRUNE_PER_PAGE = 100;

/**
 * Usage metering for agent sessions (the Helix `RedisUsageStore` interface). Each
 * session is one atomic unit: its entries, indexes and rollup share one hash slot and
 * change together in one script run.
 */
export class RedisUsageStore {
  private readonly keyspace: Keyspace;
  private readonly ttlSeconds: number;
  private readonly shards: readonly IndexKeys[];
  private readonly ledger: SchemaLedger;
  private readonly groupOf: (key: string) => string;
  // Entries recorded in the same tick share one record-entries run (plus one index-touch per
  // index shard) in one pipeline; each entry is still decided as if alone. On a Cluster only
  // entries of the same session share a run.
  private readonly records = new TickBatcher<PendingRecord, boolean>((items) => this.sendRecords(items));

  constructor(
    private readonly client: RedisClient,
    options?: RedisUsageStoreOptions,
  ) {
    if (!isRedisClient(client)) throw new ValidationError('RedisUsageStore needs an ioredis Redis or Cluster client');
    const opts = parseInput(usageStoreOptionsSchema, options, 'RedisUsageStore options');
    this.keyspace = new Keyspace(opts?.keyPrefix ?? DEFAULT_PREFIX).child('usage');
    this.ttlSeconds = opts?.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.groupOf = batchGroupOf(client);
    this.shards = indexShardKeys(this.keyspace, opts?.indexShards ?? 1);
    this.ledger = new SchemaLedger(client, {
      namespace: 'usage',
      keyspace: this.keyspace,
      migrations: usageMigrations,
      version: PACKAGE_VERSION,
    });
  }

  /** Applies pending migrations. Optional: every operation runs it lazily once. */
  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensureOnce();
  }

  /**
   * Records one entry and folds it into the session rollup, atomically. Retrying with the
   * same `id` never counts twice (`recorded: false`); the same id with a different body
   * is a ConflictError. Refreshes the session's retention.
   */
  async recordEntry(entry: UsageEntryInput): Promise<RecordEntryResult> {
    const parsed = parseInput(usageEntryInputSchema, entry, 'usage entry');
    await this.ledger.ensureOnce();
    const { id, timestamp, ...rest } = parsed;
    // `timestamp` goes last: record-entry compares retries without it when it was defaulted here.
    const stored: UsageEntry = { id: id ?? randomUUID(), ...rest, timestamp: timestamp ?? Date.now() };
    const json = toJson(stored, 'usage entry');
    const keys = this.keys(stored.sessionId);
    const pending = { sessionId: stored.sessionId, keys: keys.all, args: recordArgs(stored, json, timestamp !== undefined) };
    const recorded = await this.records.submit(this.groupOf(keys.rollup), pending);
    return { id: stored.id, recorded };
  }

  /** One pipeline: record-entries for the items, then index-touch per shard they fall in. */
  private async sendRecords(items: readonly PendingRecord[]): Promise<readonly BatchOutcome<boolean>[]> {
    const batch = new Batch(this.client);
    const recorded = batch.script(
      recordEntriesScript,
      items.flatMap((item) => item.keys),
      [this.ttlSeconds, ...items.flatMap((item) => item.args)],
    );
    const byShard = new Map<IndexKeys, Set<string>>();
    for (const item of items) {
      const shard = this.shardFor(item.sessionId);
      const ids = byShard.get(shard) ?? new Set<string>();
      ids.add(item.sessionId);
      byShard.set(shard, ids);
    }
    for (const [shard, ids] of byShard) batch.script(indexTouchScript, [shard.byId, shard.byExpiry], [this.ttlSeconds, ...ids]);
    const results = await batch.exec();
    return results.get(recorded);
  }

  /** Entries of a session, filtered through its index zsets (see README for order). */
  async getEntries(sessionId: string, options?: GetEntriesOptions): Promise<UsageEntry[]> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const opts = parseInput(getEntriesOptionsSchema, options, 'getEntries options');
    await this.ledger.ensureOnce();
    const keys = this.keys(id);
    const plan = planEntries(keys, opts);
    const bodies = await getEntriesScript.run(this.client, [keys.entries, plan.driver], plan.args);
    return bodies.map((body) => {
      const what = `usage entry of session ${id}`;
      const entry = parseStored(usageEntrySchema, parseStoredJson(body, what), what);
      if (entry.sessionId !== id) {
        throw new CorruptDataError(`corrupt stored ${what}: entry ${entry.id} belongs to session ${entry.sessionId}`);
      }
      return entry;
    });
  }

  /**
   * The session's totals in O(1) (one hash read), or null when the session has no usage.
   * With `includeSubAgents`, sub-agent sessions are folded in recursively (one round trip
   * per level, each session once even when links form a cycle, at most `maxDepth` levels).
   */
  async getRollup(sessionId: string, options?: GetRollupOptions): Promise<UsageRollup | null> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const opts = parseInput(getRollupOptionsSchema, options, 'getRollup options');
    await this.ledger.ensureOnce();
    const [own] = await this.readRollups([id]);
    if (!own) return null;
    if (!opts?.includeSubAgents) return own;

    const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    const visited = new Set<string>([id]);
    let frontier = [own];
    for (let depth = 1; frontier.length > 0; depth++) {
      const next = [...new Set(frontier.flatMap((r) => Object.keys(r.subAgents.bySession)))].filter((s) => !visited.has(s));
      if (next.length === 0) break;
      if (depth > maxDepth) {
        own.truncated = true;
        break;
      }
      for (const s of next) visited.add(s);
      const found = await this.readRollups(next);
      frontier = [];
      next.forEach((s, i) => {
        const child = found[i];
        if (!child) {
          own.missingSessionIds.push(s);
          return;
        }
        mergeRollup(own, child);
        own.includedSessionIds.push(s);
        frontier.push(child);
      });
    }
    return own;
  }

  async exists(sessionId: string): Promise<boolean> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    await this.ledger.ensureOnce();
    return (await this.call(() => this.client.exists(this.keys(id).rollup))) === 1;
  }

  /** Number of entries recorded for the session, in O(1). */
  async getEntryCount(sessionId: string): Promise<number> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    await this.ledger.ensureOnce();
    const raw = await this.call(() => this.client.hget(this.keys(id).rollup, 'n'));
    return raw === null ? 0 : asInteger(raw);
  }

  /** Removes every key of the session and its index entry. Returns whether it existed. */
  async delete(sessionId: string): Promise<boolean> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    await this.ledger.ensureOnce();
    const batch = new Batch(this.client);
    const removed = batch.command('del', this.keys(id).all, asInteger);
    const shard = this.shardFor(id);
    batch.script(indexRemoveScript, [shard.byId, shard.byExpiry], [id]);
    const results = await batch.exec();
    return results.get(removed) > 0;
  }

  /**
   * Pages the ids of sessions with usage, in id order, from the session index (never a
   * keyspace scan). A page may be shorter than `limit`; stop when `nextCursor` is null.
   */
  async findSessionIds(options?: FindSessionIdsOptions): Promise<SessionIdPage> {
    const opts = parseInput(findSessionIdsOptionsSchema, options, 'findSessionIds options');
    await this.ledger.ensureOnce();
    const after = opts?.cursor === undefined ? '' : decodeCursor(opts.cursor);
    const limit = opts?.limit ?? DEFAULT_PAGE;
    const batch = new Batch(this.client);
    const refs = this.shards.map((shard) => batch.script(indexListScript, [shard.byId, shard.byExpiry], [after, limit, PRUNE_PER_PAGE]));
    const results = await batch.exec();
    const page = mergeShardPages(
      refs.map((ref) => results.get(ref)),
      limit,
    );
    return { sessionIds: page.ids, nextCursor: page.next === null ? null : encodeCursor(page.next) };
  }

  private shardFor(sessionId: string): IndexKeys {
    return this.shards[shardOf(sessionId, this.shards.length)]!;
  }

  private keys(sessionId: string): SessionKeys {
    return sessionKeys(this.keyspace, sessionId);
  }

  /** One batch (one round trip; per slot on a Cluster) of HGETALLs; null where missing. */
  private async readRollups(ids: readonly string[]): Promise<(UsageRollup | null)[]> {
    const [only] = ids;
    if (ids.length === 1 && only !== undefined) {
      const keys = this.keys(only);
      const fields = await readRollupScript.run(this.client, [keys.rollup, keys.byTime, keys.byStep]);
      return [rollupOrNull(only, fields)];
    }
    const batch = new Batch(this.client);
    const refs = ids.map((s) => {
      const keys = this.keys(s);
      return batch.script(readRollupScript, [keys.rollup, keys.byTime, keys.byStep]);
    });
    const results = await batch.exec();
    return ids.map((s, i) => {
      return rollupOrNull(s, results.get(refs[i]!));
    });
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withMappedErrors(fn);
  }
}

function rollupOrNull(sessionId: string, fields: Record<string, string>): UsageRollup | null {
  return Object.keys(fields).length === 0 ? null : parseRollup(sessionId, fields);
}

interface PendingRecord {
  readonly sessionId: string;
  readonly keys: readonly string[];
  readonly args: readonly ScriptArg[];
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (id.length === 0 || encodeCursor(id) !== cursor) throw new ValidationError('invalid findSessionIds cursor');
  return id;
}
