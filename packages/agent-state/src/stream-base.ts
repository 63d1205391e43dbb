import { asFieldMap, Batch, idSchema, parseInput, parseStored } from '@redstate/core';
import { z } from 'zod';
import { Connection, type ConnectionOptions, DEFAULT_TTL } from './connection.js';
import { MalformedChunkError, StreamTrimmedError } from './errors.js';
import { streamKeys } from './keys.js';
import { JsonValueSchema, StreamChunkFieldsSchema, StreamStatusSchema } from './schemas.js';
import { streamAppendScript, streamCreateScript, streamFinishScript } from './scripts.js';
import { BlockingReader, decodeChunk, parseEntries } from './stream-reader.js';
import { AppendCoalescer } from './append-coalescer.js';
import type { SequencedChunk, StreamChunk, StreamInfo } from './types.js';

export interface StreamOptions extends ConnectionOptions {
  /** Trim each stream to about this many chunks (XADD MAXLEN ~). Default: no trimming. */
  maxStreamLength?: number;
  /** XREAD BLOCK timeout of readers, in ms; readers re-check the stream between blocks. Default 5000. */
  blockTimeout?: number;
  /** Sliding expiry of a stream's keys, in seconds, refreshed by each write. 0 = never. Default 7 days. */
  ttl?: number;
  /** Chunks fetched per XREAD by readers. Default 100. */
  readBatchSize?: number;
}

const optionsSchema = z.object({
  maxStreamLength: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  blockTimeout: z.number().int().min(1).max(3_600_000).optional(),
  ttl: z.number().int().min(0).max(2 ** 31).optional(),
  readBatchSize: z.number().int().min(1).max(10_000).optional(),
});

const sequenceSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const storedInfoSchema = z.object({
  status: StreamStatusSchema,
  lastSequence: z.coerce.number().int().min(0),
  createdAt: z.coerce.number().int().min(0),
  updatedAt: z.coerce.number().int().min(0),
  agentId: z.string().optional(),
  agentType: z.string().optional(),
  error: z.string().optional(),
});

/** Shared mechanics of RedisStreamManager and RedisResumableStorage (same key layout). */
export class StreamBase extends Connection {
  protected readonly ttl: number;
  protected readonly maxStreamLength: number;
  protected readonly blockTimeout: number;
  protected readonly readBatchSize: number;
  private readonly readers = new Set<BlockingReader>();

  constructor(options: StreamOptions) {
    const valid = parseInput(
      optionsSchema,
      {
        maxStreamLength: options.maxStreamLength,
        blockTimeout: options.blockTimeout,
        ttl: options.ttl,
        readBatchSize: options.readBatchSize,
      },
      'stream options',
    );
    super(options);
    this.ttl = valid.ttl ?? DEFAULT_TTL;
    this.maxStreamLength = valid.maxStreamLength ?? 0;
    this.blockTimeout = valid.blockTimeout ?? 5000;
    this.readBatchSize = valid.readBatchSize ?? 100;
  }

  protected streamId(value: unknown): string {
    return parseInput(idSchema, value, 'streamId');
  }

  protected keys(streamId: string): [string, string] {
    return streamKeys(this.keyspace, streamId);
  }

  protected async createStream(streamId: string, mode: 'create' | 'join', agentId = '', agentType = ''): Promise<boolean> {
    await this.ready();
    return streamCreateScript.run(this.client, this.keys(streamId), [this.ttl, mode, agentId, agentType]);
  }

  /**
   * Appends under `sequence` (or the next one when null) and returns the sequence used.
   * Appends to one stream issued in the same tick share one script run (see AppendCoalescer).
   */
  protected async appendChunk(streamId: string, chunk: StreamChunk, sequence: number | null): Promise<number> {
    const json = encodeChunk(chunk);
    await this.ready();
    return this.appends.append(streamId, json, sequence);
  }

  private readonly appends = new AppendCoalescer((streamId, jsons, first) =>
    streamAppendScript.run(this.client, this.keys(streamId), [this.ttl, this.maxStreamLength, first === null ? '' : first, ...jsons]),
  );

  protected async finishStream(streamId: string, status: 'ended' | 'failed', error = ''): Promise<boolean> {
    await this.ready();
    return streamFinishScript.run(this.client, this.keys(streamId), [this.ttl, status, error]);
  }

  protected async info(streamId: string): Promise<StreamInfo | null> {
    const [meta] = this.keys(streamId);
    const batch = new Batch(this.client);
    const ref = batch.command('HGETALL', [meta], asFieldMap);
    const fields = (await batch.exec()).get(ref);
    if (Object.keys(fields).length === 0) return null;
    const what = `metadata of stream ${JSON.stringify(streamId)}`;
    const info = parseStored(storedInfoSchema, fields, what);
    return {
      streamId,
      status: info.status,
      lastSequence: info.lastSequence,
      createdAt: info.createdAt,
      updatedAt: info.updatedAt,
      agentId: info.agentId ?? null,
      agentType: info.agentType ?? null,
      error: info.error ?? null,
    };
  }

  protected async range(streamId: string, fromSequence: number, limit: number): Promise<SequencedChunk[]> {
    const [, chunks] = this.keys(streamId);
    const batch = new Batch(this.client);
    const ref = batch.command('XRANGE', [chunks, `${fromSequence + 1}-0`, '+', 'COUNT', limit], parseEntries);
    const entries = (await batch.exec()).get(ref).filter((e) => !e.marker);
    const first = entries[0];
    if (first && first.sequence !== fromSequence + 1) {
      throw trimmedError(streamId, fromSequence + 1, first.sequence - 1);
    }
    return entries.map((e) => decodeChunk(streamId, e));
  }

  /** Stops every open reader and subscription, then closes the connection if we own it. */
  override async close(): Promise<void> {
    await Promise.all([...this.readers].map((r) => r.close()));
    await super.close();
  }

  protected reader(streamId: string, from: number | 'tail', endWhenMissing: boolean): BlockingReader {
    const [metaKey, chunksKey] = this.keys(streamId);
    const reader = new BlockingReader({
      client: this.client,
      metaKey,
      chunksKey,
      streamId,
      from,
      blockMs: this.blockTimeout,
      batchSize: this.readBatchSize,
      endWhenMissing,
      onClose: () => this.readers.delete(reader),
    });
    this.readers.add(reader);
    return reader;
  }

  protected sequence(value: unknown, what: string): number {
    return parseInput(sequenceSchema, value, what);
  }
}

/** Validates a chunk (a JSON object with a string `type`) and serialises it. */
export function encodeChunk(chunk: unknown): string {
  const json = JsonValueSchema.safeParse(chunk);
  const shape = json.success ? StreamChunkFieldsSchema.safeParse(chunk) : json;
  if (!shape.success) {
    const issues = shape.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MalformedChunkError(`malformed stream chunk: ${issues}`);
  }
  return JSON.stringify(chunk);
}

function trimmedError(streamId: string, from: number, to: number): Error {
  return new StreamTrimmedError(`stream ${JSON.stringify(streamId)}: chunks ${from}..${to} were trimmed (maxStreamLength)`, {
    details: { streamId, from, to },
  });
}

