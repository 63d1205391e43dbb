import { randomUUID } from 'node:crypto';
import {
  asArray,
  asNullableString,
  Batch,
  ConflictError,
  idSchema,
  withMappedErrors,
  NotFoundError,
  parseInput,
  parseStored,
  parseStoredJson,
  toJson,
  ValidationError,
} from '@redstate/core';
import { Connection, type ConnectionOptions, DEFAULT_TTL } from './connection.js';
import { applyJsonPatch } from './json-patch.js';
import { CHECKPOINT_DATA, CHECKPOINT_INDEX, MESSAGES, STAGING, sessionKeys, STATE } from './keys.js';
import { AgentStateInputSchema, AgentStatusSchema, MessageSchema, StagedChangeSchema } from './schemas.js';
import {
  appendMessagesScript,
  casStatusScript,
  deleteSessionScript,
  discardStagingScript,
  incrementResumeScript,
  listCheckpointsScript,
  loadStateScript,
  promoteStagingScript,
  saveStateScript,
  stageChangesScript,
  updateStatusScript,
} from './scripts.js';
import { decodeCheckpoint, decodeState, encodeState } from './state-codec.js';
import {
  appendedMessagesSchema,
  checkpointIdSchema,
  expectedStatusesSchema,
  getMessagesSchema,
  listCheckpointsSchema,
  optionsSchema,
  saveOptionsSchema,
  stagedChangesSchema,
  writeOptionsSchema,
} from './state-store-inputs.js';
import type {
  AgentState,
  AgentStateInput,
  AgentStatus,
  Checkpoint,
  GetMessagesOptions,
  GetMessagesResult,
  ListCheckpointsOptions,
  ListCheckpointsResult,
  Message,
  PromoteResult,
  SaveStateOptions,
  SaveStateResult,
  StagedChange,
  StateStore,
  WriteOptions,
} from './types.js';

export interface RedisStateStoreOptions extends ConnectionOptions {
  /** Sliding expiry of every key of a session, in seconds, refreshed by each write. 0 = never. Default 7 days. */
  ttl?: number;
  /** Checkpoints kept per session (oldest dropped first). Default 50. */
  maxCheckpoints?: number;
  /** Optimistic retries of `promoteStaging` under concurrent writes. Default 20. */
  promoteRetries?: number;
}


/**
 * Agent session state on Redis. One session = one atomic unit (one hash slot): every
 * operation is one script run touching only that session's keys.
 */
export class RedisStateStore extends Connection implements StateStore {
  private readonly ttl: number;
  private readonly maxCheckpoints: number;
  private readonly promoteRetries: number;

  constructor(options: RedisStateStoreOptions = {}) {
    const { ttl, maxCheckpoints, promoteRetries } = options;
    const valid = parseInput(optionsSchema, { ttl, maxCheckpoints, promoteRetries }, 'RedisStateStore options');
    super(options);
    this.ttl = valid.ttl ?? DEFAULT_TTL;
    this.maxCheckpoints = valid.maxCheckpoints ?? 50;
    this.promoteRetries = valid.promoteRetries ?? 20;
  }

  async saveState(sessionId: string, state: AgentStateInput, options: SaveStateOptions = {}): Promise<SaveStateResult> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const valid = parseInput(AgentStateInputSchema, state, 'agent state');
    if (valid.sessionId !== id) {
      throw new ValidationError(`invalid agent state: state.sessionId ${JSON.stringify(valid.sessionId)} is not ${JSON.stringify(id)}`);
    }
    const opts = parseInput(saveOptionsSchema, options, 'saveState options');
    const encoded = encodeState(valid);
    const checkpointId = `cpv1-${id}-s${valid.stepCount}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`; // 8 random hex digits from the pooled UUID source
    const head = `{"id":${JSON.stringify(checkpointId)},"sessionId":${JSON.stringify(id)},"stepCount":${valid.stepCount},"state":${encoded.snapshotHead}`;
    const mode = encoded.messages === null ? 'keep' : (opts.messages ?? 'sync');
    await this.ready();
    return saveStateScript.run(this.client, sessionKeys(this.keyspace, id), [
      this.ttl,
      opts.fencingToken === undefined ? '' : String(opts.fencingToken),
      opts.checkpoint ?? 'auto',
      checkpointId,
      head,
      encoded.status,
      encoded.stepCount,
      encoded.customState,
      encoded.doc,
      mode,
      this.maxCheckpoints,
      ...(encoded.messages ?? []),
    ]);
  }

  async loadState(sessionId: string): Promise<AgentState | null> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const keys = sessionKeys(this.keyspace, id);
    const reply = await loadStateScript.run(this.client, [keys[STATE]!, keys[MESSAGES]!]);
    return reply === null ? null : decodeState(id, reply.fields, reply.messages);
  }

  async deleteSession(sessionId: string): Promise<boolean> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    return deleteSessionScript.run(this.client, sessionKeys(this.keyspace, id));
  }

  async updateStatus(sessionId: string, status: AgentStatus, options: WriteOptions = {}): Promise<void> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const next = parseInput(AgentStatusSchema, status, 'status');
    const opts = parseInput(writeOptionsSchema, options, 'updateStatus options');
    await this.ready();
    await updateStatusScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl, token(opts.fencingToken), next]);
  }

  async appendMessages(sessionId: string, messages: readonly Message[], options: WriteOptions = {}): Promise<number> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const valid = parseInput(appendedMessagesSchema, messages, 'messages');
    const opts = parseInput(writeOptionsSchema, options, 'appendMessages options');
    const encoded = valid.map((m, i) => toJson(m, `messages[${i}]`));
    await this.ready();
    return appendMessagesScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl, token(opts.fencingToken), ...encoded]);
  }

  async getMessages(sessionId: string, options: GetMessagesOptions = {}): Promise<GetMessagesResult> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const { offset = 0, limit } = parseInput(getMessagesSchema, options, 'getMessages options');
    const key = sessionKeys(this.keyspace, id)[MESSAGES]!;
    const raw = await withMappedErrors(() => this.client.lrange(key, offset, limit === undefined ? -1 : offset + limit));
    const hasMore = limit !== undefined && raw.length > limit;
    const page = hasMore ? raw.slice(0, limit) : raw;
    const what = `messages of session ${JSON.stringify(id)}`;
    return { messages: page.map((m) => parseStored(MessageSchema, parseStoredJson(m, what), what)), hasMore };
  }

  async getCheckpoint(sessionId: string, checkpointId: string): Promise<Checkpoint | null> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const cp = parseInput(checkpointIdSchema, checkpointId, 'checkpointId');
    const body = await withMappedErrors(() => this.client.hget(sessionKeys(this.keyspace, id)[CHECKPOINT_DATA]!, cp));
    return body === null ? null : decodeCheckpoint(id, body);
  }

  async getLatestCheckpoint(sessionId: string): Promise<Checkpoint | null> {
    const page = await this.listCheckpoints(sessionId, { limit: 1 });
    return page.checkpoints[0] ?? null;
  }

  async listCheckpoints(sessionId: string, options: ListCheckpointsOptions = {}): Promise<ListCheckpointsResult> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const { limit = 20, cursor } = parseInput(listCheckpointsSchema, options, 'listCheckpoints options');
    const keys = sessionKeys(this.keyspace, id);
    const page = await listCheckpointsScript.run(this.client, [keys[CHECKPOINT_INDEX]!, keys[CHECKPOINT_DATA]!], [cursor ?? '+inf', limit]);
    // A body can vanish between index and data only if trimmed concurrently; skip it.
    const checkpoints = page.bodies.filter((b): b is string => b !== null).map((b) => decodeCheckpoint(id, b));
    return { checkpoints, nextCursor: page.nextCursor };
  }

  async stageChanges(sessionId: string, stepId: string, change: StagedChange): Promise<void> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const step = parseInput(idSchema, stepId, 'stepId');
    const valid = parseInput(StagedChangeSchema, change, 'staged change');
    await this.ready();
    await stageChangesScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl, step, toJson(valid, 'staged change')]);
  }

  /**
   * Applies the step's staged JSON patches, in staging order, to `customState`. The patches
   * are applied here (not in Lua, which would re-encode user JSON) and committed by a script
   * that checks the state version and the staged entry are unchanged; on a race it re-reads
   * and retries (`promoteRetries`), then throws ConflictError. A failing patch throws
   * ValidationError and leaves state and staging as they were.
   */
  async promoteStaging(sessionId: string, stepId: string): Promise<PromoteResult> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const step = parseInput(idSchema, stepId, 'stepId');
    const keys = sessionKeys(this.keyspace, id);
    const what = `staged changes of session ${JSON.stringify(id)}`;
    await this.ready();
    for (let attempt = 0; attempt < this.promoteRetries; attempt++) {
      // One pipelined read; the commit script re-checks both values, so no WATCH is needed.
      const batch = new Batch(this.client);
      const head = batch.command('HMGET', [keys[STATE]!, 'version', 'customState'], asArray);
      const entry = batch.command('HGET', [keys[STAGING]!, step], asNullableString);
      const results = await batch.exec();
      const [version, custom] = results.get(head);
      const staged = results.get(entry);
      if (typeof version !== 'string' || typeof custom !== 'string') {
        throw new NotFoundError(`promoteStaging: no state for session ${JSON.stringify(id)}`);
      }
      if (staged === null) return { applied: 0, version: Number(version) };
      const changes = parseStored(stagedChangesSchema, parseStoredJson(staged, what), what);
      let next = parseStoredJson(custom, `customState of session ${JSON.stringify(id)}`);
      for (const change of changes) next = applyJsonPatch(next, change.patches);
      const committed = await promoteStagingScript.run(this.client, keys, [this.ttl, step, version, staged, toJson(next, 'customState')]);
      if (committed > 0) return { applied: changes.length, version: committed };
    }
    throw new ConflictError(`promoteStaging(${JSON.stringify(id)}, ${JSON.stringify(step)}) lost ${this.promoteRetries} races with concurrent writers`);
  }

  async discardStaging(sessionId: string, stepId: string): Promise<boolean> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const step = parseInput(idSchema, stepId, 'stepId');
    return discardStagingScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl, step]);
  }

  async compareAndSetStatus(sessionId: string, expected: readonly AgentStatus[], next: AgentStatus): Promise<boolean> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    const from = parseInput(expectedStatusesSchema, expected, 'expected statuses');
    const to = parseInput(AgentStatusSchema, next, 'next status');
    await this.ready();
    return casStatusScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl, to, ...from]);
  }

  async incrementResumeCount(sessionId: string): Promise<number> {
    const id = parseInput(idSchema, sessionId, 'sessionId');
    await this.ready();
    return incrementResumeScript.run(this.client, sessionKeys(this.keyspace, id), [this.ttl]);
  }
}

function token(value: number | string | undefined): string {
  return value === undefined ? '' : String(value);
}
