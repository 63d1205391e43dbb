import {
  asInteger,
  type EnsureSchemaResult,
  idSchema,
  isRedisClient,
  withMappedErrors,
  parseInput,
  type RedisClient,
  SchemaLedger,
  toJson,
  ValidationError,
} from '@redstate/core';
import { clampLimit, decodeCursor, encodeCursor } from './cursor.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { DEFAULT_TABLE, HitlKeys, msKey, namespaceMemberPart } from './keys.js';
import { hitlMigrations, importLegacyLedger } from './migrations/index.js';
import { decodeBatch, decodeNotify, decodeTimelineEntry } from './records.js';
import {
  countFilterSchema,
  externalIdArgs,
  listFilterSchema,
  newBatchSchema,
  newNotifySchema,
  newRequestSchema,
  optionsSchema,
  resultSchema,
  timelineEntrySchema,
} from './schemas.js';
import {
  appendTimelineScript,
  createEntityScript,
  createScript,
  findRequestScript,
  listByBatchScript,
  listScript,
  resolveScript,
  setBatchExternalIdScript,
  setExternalIdScript,
  setNotifyExternalIdScript,
  timelineScript,
} from './scripts.js';
import {
  type BatchRecord,
  DEFAULT_NAMESPACE,
  type HumanRequestRecord,
  type HumanRequestStatus,
  type HumanResult,
  type InboxCountOptions,
  type InboxListOptions,
  type InboxListResult,
  type NewBatchRecord,
  type NewHumanRequestRecord,
  type NewNotifyDeliveryRecord,
  type NotifyDeliveryRecord,
  type State,
  type TimelineEntry,
} from './types.js';

export interface RedisHitlStateOptions {
  /** `schema.table` or `table`; the key prefix is `schema:table`. Default `hitl.human_requests`. */
  readonly tableName?: string;
}

/** Namespace of this package's schema ledger. */
export const LEDGER_NAMESPACE = 'hitl';

/**
 * Redis-backed hitl `State`. Bring your own ioredis `Redis` or `Cluster` client (never
 * closed or reconfigured here). Operations run `ensureSchema()` lazily once per instance.
 */
export class RedisHitlState implements State {
  readonly keys: HitlKeys;
  private readonly ledger: SchemaLedger;

  constructor(
    private readonly redis: RedisClient,
    options: RedisHitlStateOptions = {},
  ) {
    if (!isRedisClient(redis)) throw new ValidationError('RedisHitlState needs an ioredis Redis or Cluster client');
    const opts = parseInput(optionsSchema, options, 'RedisHitlState options');
    this.keys = new HitlKeys(opts?.tableName ?? DEFAULT_TABLE);
    this.ledger = new SchemaLedger(redis, {
      namespace: LEDGER_NAMESPACE,
      keyspace: this.keys.keyspace,
      migrations: hitlMigrations(this.keys),
      version: PACKAGE_VERSION,
      importApplied: (context) => importLegacyLedger(context.client, this.keys),
    });
  }

  /**
   * Applies pending migrations (recognising and continuing a @hitl-sdk/state-ioredis 1.x
   * deployment) and returns what it applied. Safe to call from many processes at once.
   */
  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensure();
  }

  async create(record: NewHumanRequestRecord): Promise<void> {
    const r = parseInput(newRequestSchema, record, 'human request');
    await this.ready();
    const ns = r.namespace ?? DEFAULT_NAMESPACE;
    const inBatch = r.batchId !== undefined;
    const core: NewHumanRequestRecord = { id: r.id, token: r.token, channel: r.channel, namespace: ns, message: r.message, actions: record.actions };
    if (record.context !== undefined) core.context = record.context;
    if (r.batchId !== undefined) core.batchId = r.batchId;
    if (r.batchIndex !== undefined) core.batchIndex = r.batchIndex;
    const k = this.keys;
    await createScript.run(
      this.redis,
      [
        k.requestCore(),
        k.requestStatus(),
        k.requestCreatedAt(),
        k.requestPosition(),
        k.requestChannel(),
        k.tokenIndex(),
        k.all(),
        k.status('pending'),
        k.namespaces(),
        k.namespacesStatus('pending'),
        inBatch ? k.batchItems(r.batchId as string) : k.requestCore(),
      ],
      [r.id, r.token, r.channel, namespaceMemberPart(ns), toJson(core, 'human request'), inBatch ? '1' : '0', String(r.batchIndex ?? 0)],
    );
  }

  async get(id: string): Promise<HumanRequestRecord | null> {
    const valid = parseInput(idSchema, id, 'id');
    await this.ready();
    const rows = await findRequestScript.run(this.redis, [this.keys.tokenIndex(), ...this.keys.requestReadKeys()], ['id', valid]);
    return rows[0] ?? null;
  }

  async findByExternalId(externalId: string): Promise<HumanRequestRecord | null> {
    const ext = parseInput(idSchema, externalId, 'externalId');
    return this.findVia(this.keys.externalIndex(), ext);
  }

  async findByToken(token: string): Promise<HumanRequestRecord | null> {
    const valid = parseInput(idSchema, token, 'token');
    return this.findVia(this.keys.tokenIndex(), valid);
  }

  async setExternalId(id: string, externalId: string, pluginId?: string): Promise<void> {
    const [rid, ext, plugin] = parseInput(externalIdArgs, [id, externalId, pluginId], 'setExternalId arguments');
    await this.ready();
    const k = this.keys;
    await setExternalIdScript.run(
      this.redis,
      [k.requestChannel(), k.requestExternalId(), k.requestExternalIds(), k.externalIndex()],
      [rid, ext, plugin ?? ''],
    );
  }

  async resolve(id: string, result: HumanResult): Promise<void> {
    const rid = parseInput(idSchema, id, 'id');
    parseInput(resultSchema, result, 'result');
    const json = toJson(result, 'result');
    await this.ready();
    const k = this.keys;
    await resolveScript.run(
      this.redis,
      [
        k.requestStatus(),
        k.requestPosition(),
        k.requestResult(),
        k.requestResolvedAt(),
        k.status('pending'),
        k.status('resolved'),
        k.namespacesStatus('pending'),
        k.namespacesStatus('resolved'),
      ],
      [rid, json],
    );
  }

  async list(filter?: InboxListOptions): Promise<InboxListResult> {
    const f = parseInput(listFilterSchema, filter, 'list filter');
    const limit = clampLimit(f?.limit);
    const cursor = f?.cursor === undefined ? undefined : decodeCursor(f.cursor);
    await this.ready();
    const index = this.indexFor(f?.status, f?.namespace);
    const records = await listScript.run(
      this.redis,
      [index.key, ...this.keys.requestReadKeys()],
      [limit + 1, index.prefix, cursor ? msKey(cursor.ms) : '', cursor ? cursor.id : ''],
    );
    if (records.length <= limit) return { items: records };
    const items = records.slice(0, limit);
    const last = items[items.length - 1] as HumanRequestRecord;
    return { items, nextCursor: encodeCursor(last.createdAt, last.id) };
  }

  async count(filter?: InboxCountOptions): Promise<number> {
    const f = parseInput(countFilterSchema, filter, 'count filter');
    await this.ready();
    const { key, prefix } = this.indexFor(f?.status, f?.namespace);
    if (prefix === '') return asInteger(await this.call(() => this.redis.zcard(key)));
    const upper = `(${prefix.slice(0, -1)}\x01`;
    return asInteger(await this.call(() => this.redis.zlexcount(key, `[${prefix}`, upper)));
  }

  async createBatch(record: NewBatchRecord): Promise<void> {
    const r = parseInput(newBatchSchema, record, 'batch');
    await this.ready();
    const pairs: string[] = ['id', r.id, 'channel', r.channel];
    if (r.message !== undefined) pairs.push('message', r.message);
    if (record.actions !== undefined) pairs.push('actions', toJson(record.actions, 'actions'));
    if (record.context !== undefined) pairs.push('context', toJson(record.context, 'context'));
    await createEntityScript.run(this.redis, [this.keys.batch(r.id)], [r.id, 'batch', ...pairs]);
  }

  async getBatch(id: string): Promise<BatchRecord | null> {
    const valid = parseInput(idSchema, id, 'id');
    await this.ready();
    const fields = await this.call(() => this.redis.hgetall(this.keys.batch(valid)));
    return Object.keys(fields).length === 0 ? null : decodeBatch(fields, valid);
  }

  async setBatchExternalId(id: string, externalId: string, pluginId?: string): Promise<void> {
    const [bid, ext, plugin] = parseInput(externalIdArgs, [id, externalId, pluginId], 'setBatchExternalId arguments');
    await this.ready();
    await setBatchExternalIdScript.run(this.redis, [this.keys.batch(bid)], [bid, ext, plugin ?? '']);
  }

  async listByBatch(batchId: string): Promise<HumanRequestRecord[]> {
    const valid = parseInput(idSchema, batchId, 'batchId');
    await this.ready();
    return listByBatchScript.run(this.redis, [this.keys.batchItems(valid), ...this.keys.requestReadKeys()]);
  }

  async appendTimeline(entry: TimelineEntry): Promise<void> {
    const e = parseInput(timelineEntrySchema, entry, 'timeline entry');
    const stored: TimelineEntry = { id: e.id, threadId: e.threadId, message: e.message, createdAt: e.createdAt };
    if (entry.detail !== undefined) stored.detail = entry.detail;
    const json = toJson(stored, 'timeline entry');
    await this.ready();
    await appendTimelineScript.run(
      this.redis,
      [this.keys.thread(e.threadId), this.keys.threadEntries(e.threadId)],
      [e.id, String(Date.parse(e.createdAt)), json],
    );
  }

  async timeline(threadId: string): Promise<TimelineEntry[]> {
    const valid = parseInput(idSchema, threadId, 'threadId');
    await this.ready();
    const raw = await timelineScript.run(this.redis, [this.keys.thread(valid), this.keys.threadEntries(valid)]);
    return raw.map((json) => decodeTimelineEntry(json, valid));
  }

  async createNotifyDelivery(record: NewNotifyDeliveryRecord): Promise<void> {
    const r = parseInput(newNotifySchema, record, 'notify delivery');
    await this.ready();
    await createEntityScript.run(
      this.redis,
      [this.keys.notify(r.id)],
      [r.id, 'notify delivery', 'id', r.id, 'channel', r.channel, 'message', r.message, 'groupId', r.groupId],
    );
  }

  async getNotifyDelivery(id: string): Promise<NotifyDeliveryRecord | null> {
    const valid = parseInput(idSchema, id, 'id');
    await this.ready();
    const fields = await this.call(() => this.redis.hgetall(this.keys.notify(valid)));
    return Object.keys(fields).length === 0 ? null : decodeNotify(fields, valid);
  }

  async setNotifyDeliveryExternalId(id: string, externalId: string): Promise<void> {
    const [nid, ext] = parseInput(externalIdArgs, [id, externalId, undefined], 'setNotifyDeliveryExternalId arguments');
    await this.ready();
    await setNotifyExternalIdScript.run(this.redis, [this.keys.notify(nid)], [nid, ext]);
  }

  private async findVia(indexKey: string, field: string): Promise<HumanRequestRecord | null> {
    await this.ready();
    const rows = await findRequestScript.run(this.redis, [indexKey, ...this.keys.requestReadKeys()], ['index', field]);
    return rows[0] ?? null;
  }

  /** The lex index for a filter and the member prefix (`<escaped ns>\0`) that selects it. */
  private indexFor(status: HumanRequestStatus | undefined, namespace: string | undefined): { key: string; prefix: string } {
    if (namespace !== undefined) {
      const key = status ? this.keys.namespacesStatus(status) : this.keys.namespaces();
      return { key, prefix: `${namespaceMemberPart(namespace)}\0` };
    }
    return { key: status ? this.keys.status(status) : this.keys.all(), prefix: '' };
  }

  private async ready(): Promise<void> {
    await this.ledger.ensureOnce();
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withMappedErrors(fn);
  }
}

/** The name @hitl-sdk/state-ioredis users import. */
export { RedisHitlState as IoredisState };
