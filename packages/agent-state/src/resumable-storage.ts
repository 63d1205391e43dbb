import { parseInput } from '@redstate/core';
import { z } from 'zod';
import { StreamBase, type StreamOptions } from './stream-base.js';
import type { ChunkListener, ResumableStorage, SequencedChunk, StreamChunk, StreamInfo, SubscribeOptions } from './types.js';

export type RedisResumableStorageOptions = StreamOptions;

const limitSchema = z.number().int().min(1).max(10_000);
const failMessageSchema = z.string().max(65_536);

/**
 * Lower-level resumable stream storage: the caller numbers chunks (1, 2, 3, ...) and
 * `append` accepts only the next sequence, atomically.
 */
export class RedisResumableStorage extends StreamBase implements ResumableStorage {
  constructor(options: RedisResumableStorageOptions = {}) {
    super(options);
  }

  /** Creates the stream; false when it already existed (left unchanged). */
  async create(streamId: string): Promise<boolean> {
    return this.createStream(this.streamId(streamId), 'create');
  }

  /**
   * Appends `chunk` as `sequence`, which must be the stream's next one (1 for the first):
   * SequenceConflictError otherwise (e.g. another writer won), MalformedChunkError for an
   * invalid chunk, StreamClosedError after `end`, NotFoundError before `create`.
   */
  async append(streamId: string, chunk: StreamChunk, sequence: number): Promise<void> {
    const id = this.streamId(streamId);
    const seq = this.sequence(sequence, 'sequence');
    await this.appendChunk(id, chunk, seq);
  }

  /** Chunks after `fromSequence` (exclusive), oldest first, at most `limit` (default 1000). */
  async readFrom(streamId: string, fromSequence: number, limit = 1000): Promise<SequencedChunk[]> {
    const id = this.streamId(streamId);
    const from = this.sequence(fromSequence, 'fromSequence');
    const max = parseInput(limitSchema, limit, 'limit');
    return this.range(id, from, max);
  }

  /**
   * Calls `listener` for each chunk appended after subscribing (or after
   * `options.fromSequence`), in order, from any process. Runs on its own connection until
   * the stream ends or the returned function is called. Listener and read errors go to the
   * 'error' event / logger.
   */
  subscribe(streamId: string, listener: ChunkListener, options: SubscribeOptions = {}): () => void {
    const id = this.streamId(streamId);
    const from = options.fromSequence === undefined ? 'tail' : this.sequence(options.fromSequence, 'fromSequence');
    const reader = this.reader(id, from, false);
    void (async () => {
      try {
        for await (const { chunk, sequence } of reader) {
          try {
            await listener(chunk, sequence);
          } catch (error) {
            this.report(error, `subscriber of stream ${JSON.stringify(id)} threw`);
          }
        }
      } catch (error) {
        this.report(error, `subscription to stream ${JSON.stringify(id)} failed`);
      }
    })();
    return () => {
      void reader.close();
    };
  }

  async getMetadata(streamId: string): Promise<StreamInfo | null> {
    return this.info(this.streamId(streamId));
  }

  /** Ends the stream; false when it had already ended or failed. */
  async end(streamId: string): Promise<boolean> {
    return this.finishStream(this.streamId(streamId), 'ended');
  }

  /** Fails the stream with an error message; false when it had already finished. */
  async fail(streamId: string, error: string): Promise<boolean> {
    const message = parseInput(failMessageSchema, error, 'error');
    return this.finishStream(this.streamId(streamId), 'failed', message);
  }
}
