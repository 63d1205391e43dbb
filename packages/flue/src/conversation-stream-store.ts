import { createHash, randomUUID } from 'node:crypto';
import {
  type ConversationFoldCheckpoint,
  type ConversationProducerClaim,
  type ConversationRecord,
  type ConversationStreamIdentity,
  type ConversationStreamMeta,
  type ConversationStreamReadResult,
  type ConversationStreamStore,
  ConversationStreamStoreError,
  clampLimit,
  DEFAULT_READ_LIMIT,
  formatOffset,
  MAX_READ_LIMIT,
  parseOffset,
} from '@flue/runtime/adapter';
import {
  asFieldMap,
  Batch,
  CorruptDataError,
  execPipelineSettled,
  mapRedisError,
  withMappedErrors,
  parseInput,
  parseStored,
  parseStoredJson,
  type RedisClient,
} from '@redstate/core';
import { z } from 'zod';
import { FlueStreamRejectedError } from './errors.js';
import { identitySchema, idSchema, offsetSchema, streamPathSchema } from './inputs.js';
import type { FlueKeys } from './keys.js';
import { acquireProducerScript, appendScript, createStreamScript, readBatchesScript } from './scripts.js';
import type { StreamNotifier } from './stream-notifier.js';

/** Batches bigger than this are staged as pieces in a hash and committed by reference. */
export const SPILL_BYTES = 256 * 1024;
/** Size of each staged or read piece of a big batch. */
export const PIECE_BYTES = 256 * 1024;
/** Staged data that is never committed (the writer died) expires after this long. */
const STAGE_TTL_MS = 60 * 60 * 1000;

const appendSchema = z.object({
  path: streamPathSchema,
  producerId: idSchema,
  producerEpoch: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  incarnation: idSchema,
  producerSequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  submission: z.object({ submissionId: idSchema, attemptId: idSchema }).optional(),
  records: z.array(z.looseObject({})),
});

const checkpointSchema = z.object({
  offset: z.string().regex(/^\d+_\d+$/),
  incarnation: z.string(),
  formatVersion: z.number().int(),
  data: z.string(),
});

/** A fold checkpoint as stored (hash fields are strings). */
const storedCheckpointSchema = z.object({
  offset: z.string().regex(/^\d+_\d+$/),
  incarnation: z.string(),
  formatVersion: z.string().regex(/^-?\d+$/),
  data: z.string(),
});

/** A committed batch as stored: a JSON array of record objects. */
const storedBatchSchema = z.array(z.looseObject({}));

const metaSchema = z.object({
  agent: z.string(),
  inst: z.string(),
  inc: z.string(),
  pid: z.string(),
  epoch: z.string().regex(/^\d+$/),
  nseq: z.string().regex(/^\d+$/),
  next: z.string().regex(/^\d+$/),
});

type AppendInput = Parameters<ConversationStreamStore['append']>[0];

/** Flue's `ConversationStreamStore` on Redis; the append fence runs in one script. */
export class RedisConversationStreamStore implements ConversationStreamStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: FlueKeys,
    private readonly notifier: StreamNotifier,
    private readonly ready: () => Promise<unknown>,
  ) {}

  async createStream(path: string, identity: ConversationStreamIdentity): Promise<void> {
    const p = parseInput(streamPathSchema, path, 'path');
    const id = parseInput(identitySchema, identity, 'identity');
    await this.ready();
    await this.fenced('create', p, () =>
      createStreamScript.run(this.client, [this.keys.stream(p, 'meta')], [id.agentName, id.instanceId, `inc_${randomUUID()}`]),
    );
  }

  async acquireProducer(path: string, producerId: string): Promise<ConversationProducerClaim> {
    const p = parseInput(streamPathSchema, path, 'path');
    const producer = parseInput(idSchema, producerId, 'producerId');
    await this.ready();
    const claim = await this.fenced('acquire_producer', p, () =>
      acquireProducerScript.run(this.client, [this.keys.stream(p, 'meta')], [producer]),
    );
    return {
      producerId: producer,
      producerEpoch: claim.epoch,
      incarnation: claim.incarnation,
      nextProducerSequence: 0,
      offset: formatOffset(claim.batches - 1),
    };
  }

  async append(input: AppendInput): Promise<{ offset: string }> {
    const a = parseInput(appendSchema, input, 'append input');
    const records = input.records;
    const data = JSON.stringify(records);
    const bytes = Buffer.from(data, 'utf8');
    const digest = createHash('sha256').update(bytes).digest('hex');
    const owned = records.filter((r) => r.submissionId !== undefined || r.attemptId !== undefined);
    const lone = records.length === 1 && owned.length === 1 && owned[0]?.type === 'submission_settled' ? JSON.stringify(owned[0]) : '';
    const flag = (value: unknown) => (value === undefined ? '-' : `+${String(value)}`);
    const ownedArgs = owned.flatMap((r) => [flag(r.submissionId), flag(r.attemptId), flag(r.type), flag(r.id)]);

    await this.ready();
    const spill = bytes.length > SPILL_BYTES;
    const token = spill ? randomUUID() : '-';
    const spillKey = this.keys.spill(a.path, token);
    if (spill) {
      const stage = new Batch(this.client);
      stage.command('DEL', [spillKey]);
      // One hash field per piece: APPEND onto one growing string would realloc-copy it.
      for (let i = 0, piece = 0; i < bytes.length; i += PIECE_BYTES, piece++) {
        stage.command('HSET', [spillKey, piece, bytes.subarray(i, i + PIECE_BYTES)]);
      }
      stage.command('PEXPIRE', [spillKey, STAGE_TTL_MS]);
      await stage.exec();
    }
    const n = await this.fenced('append', a.path, () =>
      appendScript.run(
        this.client,
        [
          this.keys.stream(a.path, 'meta'),
          this.keys.stream(a.path, 'batches'),
          this.keys.stream(a.path, 'bmeta'),
          this.keys.stream(a.path, 'pseq'),
          spillKey,
          this.keys.submissionKeys[0]!,
          this.keys.submissionKeys[3]!,
        ],
        [
          a.producerId,
          a.producerEpoch,
          a.incarnation,
          a.producerSequence,
          digest,
          a.submission?.submissionId ?? '',
          a.submission?.attemptId ?? '',
          spill ? 'spill' : 'inline',
          spill ? `${token}:${bytes.length}` : data,
          records.length,
          this.keys.channel(a.path),
          lone,
          owned.length,
          ...ownedArgs,
        ],
      ),
    );
    this.notifier.notify(a.path);
    return { offset: formatOffset(n) };
  }

  async read(path: string, options?: { offset?: string; limit?: number }): Promise<ConversationStreamReadResult> {
    const p = parseInput(streamPathSchema, path, 'path');
    const rawOffset = parseInput(offsetSchema, options?.offset ?? '-1', 'offset');
    const limit = clampLimit(options?.limit, DEFAULT_READ_LIMIT, MAX_READ_LIMIT);
    const startAfter = rawOffset === 'now' ? Number.MAX_SAFE_INTEGER - MAX_READ_LIMIT : parseOffset(rawOffset);
    await this.ready();
    const page = await readBatchesScript.run(
      this.client,
      [this.keys.stream(p, 'meta'), this.keys.stream(p, 'batches')],
      [rawOffset === 'now' ? -1 : startAfter, rawOffset === 'now' ? 0 : limit],
    );
    if (!page.exists) return { batches: [], nextOffset: '-1', upToDate: true };
    const head = page.total - 1;
    if (rawOffset === 'now') return { batches: [], nextOffset: formatOffset(head), upToDate: true };
    if (!Number.isSafeInteger(startAfter) || startAfter > head) {
      throw new ConversationStreamStoreError({ operation: 'read', path: p, reason: 'Read offset is beyond the canonical stream head.' });
    }
    const texts = await this.materialize(p, page.items);
    const batches = texts.map((text, i) => ({
      offset: formatOffset(startAfter + 1 + i),
      records: decodeBatch(text, `batch of ${p}`),
    }));
    return {
      batches,
      nextOffset: batches.at(-1)?.offset ?? formatOffset(startAfter),
      upToDate: startAfter + batches.length >= head,
    };
  }

  async getMeta(path: string): Promise<ConversationStreamMeta | null> {
    const p = parseInput(streamPathSchema, path, 'path');
    await this.ready();
    const fields = asFieldMap(await withMappedErrors(() => this.client.call('HGETALL', this.keys.stream(p, 'meta'))));
    if (Object.keys(fields).length === 0) return null;
    const meta = parseStored(metaSchema, fields, `stream meta of ${p}`);
    return {
      identity: { agentName: meta.agent, instanceId: meta.inst },
      incarnation: meta.inc,
      nextOffset: formatOffset(Number(meta.next) - 1),
      producerId: meta.pid === '' ? null : meta.pid,
      producerEpoch: Number(meta.epoch),
      nextProducerSequence: Number(meta.nseq),
    };
  }

  subscribe(path: string, listener: () => void): () => void {
    const p = parseInput(streamPathSchema, path, 'path');
    return this.notifier.subscribe(p, listener);
  }

  async putFoldCheckpoint(path: string, checkpoint: ConversationFoldCheckpoint): Promise<void> {
    const p = parseInput(streamPathSchema, path, 'path');
    const c = parseInput(checkpointSchema, checkpoint, 'checkpoint');
    await this.ready();
    // One HSET replaces every field at once, so a checkpoint is never half written.
    await withMappedErrors(() =>
      this.client.hset(this.keys.stream(p, 'checkpoint'), {
        offset: c.offset,
        incarnation: c.incarnation,
        formatVersion: String(c.formatVersion),
        data: c.data,
      }),
    );
  }

  async getFoldCheckpoint(path: string, options?: { atOrBefore?: string }): Promise<ConversationFoldCheckpoint | null> {
    const p = parseInput(streamPathSchema, path, 'path');
    const bound = options?.atOrBefore === undefined ? undefined : parseOffset(parseInput(offsetSchema, options.atOrBefore, 'atOrBefore'));
    await this.ready();
    const fields = asFieldMap(await withMappedErrors(() => this.client.call('HGETALL', this.keys.stream(p, 'checkpoint'))));
    if (Object.keys(fields).length === 0) return null;
    const stored = parseStored(storedCheckpointSchema, fields, `fold checkpoint of ${p}`);
    if (bound !== undefined && parseOffset(stored.offset) > bound) return null;
    return { offset: stored.offset, incarnation: stored.incarnation, formatVersion: Number(stored.formatVersion), data: stored.data };
  }

  /** Replaces `~token:size` markers with the staged pieces, read one hash field each (one round trip). */
  private async materialize(path: string, items: readonly string[]): Promise<string[]> {
    const spilled = items.map((item) => (item.startsWith('~') ? /^~([^:]+):(\d+)$/.exec(item) : null));
    if (spilled.every((m) => m === null)) return [...items];
    // Buffers: a piece boundary may split a UTF-8 character.
    const pipeline = this.client.pipeline();
    const plan = spilled.map((m) => {
      if (!m) return 0;
      const key = this.keys.spill(path, m[1]!);
      const size = Number(m[2]);
      let pieces = 0;
      for (let i = 0; i < size; i += PIECE_BYTES, pieces++) pipeline.hgetBuffer(key, String(pieces));
      return pieces;
    });
    const replies = await execPipelineSettled(pipeline);
    let cursor = 0;
    return items.map((item, i) => {
      const pieces = plan[i] ?? 0;
      if (pieces === 0) return item;
      const parts: Buffer[] = [];
      for (let k = 0; k < pieces; k++, cursor++) {
        const [error, value] = replies[cursor] ?? [new Error('missing pipeline reply'), null];
        if (error) throw mapRedisError(error);
        if (!Buffer.isBuffer(value)) throw new CorruptDataError(`stored batch of ${path} is not readable`);
        parts.push(value);
      }
      const buf = Buffer.concat(parts);
      if (buf.length !== Number(spilled[i]![2])) throw new CorruptDataError(`stored batch of ${path} is incomplete`);
      return buf.toString('utf8');
    });
  }

  private async fenced<T>(operation: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (FlueStreamRejectedError.isInstance(error)) {
        throw Object.assign(new ConversationStreamStoreError({ operation, path, reason: error.message }), { cause: error });
      }
      throw error;
    }
  }
}

/**
 * A stored batch's records, as JSON.parse made them: checked to be objects but not rebuilt,
 * since a rebuilt object would drop an own "__proto__" key (plain data in a record).
 */
function decodeBatch(text: string, what: string): ConversationRecord[] {
  const records = parseStoredJson(text, what);
  parseStored(storedBatchSchema, records, what);
  return records as ConversationRecord[];
}
