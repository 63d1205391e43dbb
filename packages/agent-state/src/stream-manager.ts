import { parseInput } from '@redstate/core';
import { z } from 'zod';
import { StreamClosedError } from './errors.js';
import { StreamBase, type StreamOptions } from './stream-base.js';
import type {
  ResumableReaderOptions,
  SequencedChunk,
  StreamChunk,
  StreamInfo,
  StreamManager,
  StreamReader,
  StreamWriter,
} from './types.js';

export type RedisStreamManagerOptions = StreamOptions;

const agentSchema = z.string().min(1).max(1024);
const errorSchema = z.string().max(65_536);

/**
 * Agent output streams on Redis Streams. Sequences are assigned by the server (many
 * writers, e.g. sub-agents, may share a stream); readers block on their own connection.
 */
export class RedisStreamManager extends StreamBase implements StreamManager {
  constructor(options: RedisStreamManagerOptions = {}) {
    super(options);
  }

  /** Creates the stream if needed (or joins it while active) and returns a writer. */
  async createWriter(streamId: string, agentId: string, agentType: string): Promise<StreamWriter> {
    const id = this.streamId(streamId);
    const agent = parseInput(agentSchema, agentId, 'agentId');
    const type = parseInput(agentSchema, agentType, 'agentType');
    await this.createStream(id, 'join', agent, type);
    let closed = false;
    return {
      streamId: id,
      write: async (chunk: StreamChunk) => {
        if (closed) throw new StreamClosedError(`writer for stream ${JSON.stringify(id)} is closed`);
        const stamped = isObject(chunk)
          ? { agentId: agent, agentType: type, timestamp: Date.now(), ...chunk }
          : chunk;
        return this.appendChunk(id, stamped, null);
      },
      close: async () => {
        closed = true;
      },
    };
  }

  /** All chunks from the start, until the stream ends; null for an unknown stream. */
  async createReader(streamId: string): Promise<StreamReader<StreamChunk> | null> {
    const reader = await this.createResumableReader(streamId);
    if (reader === null) return null;
    return {
      close: () => reader.close(),
      async *[Symbol.asyncIterator]() {
        for await (const { chunk } of reader) yield chunk;
      },
    };
  }

  /**
   * Chunks after `fromSequence` (exclusive; pass the SSE Last-Event-ID) with their sequence,
   * until the stream ends; null for an unknown stream. A failed stream throws
   * StreamFailedError after its last chunk.
   */
  async createResumableReader(
    streamId: string,
    options: ResumableReaderOptions = {},
  ): Promise<StreamReader<SequencedChunk> | null> {
    const id = this.streamId(streamId);
    const from = this.sequence(options.fromSequence ?? 0, 'fromSequence');
    if ((await this.info(id)) === null) return null;
    return this.reader(id, from, true);
  }

  async endStream(streamId: string): Promise<boolean> {
    return this.finishStream(this.streamId(streamId), 'ended');
  }

  async failStream(streamId: string, error: string): Promise<boolean> {
    const id = this.streamId(streamId);
    return this.finishStream(id, 'failed', parseInput(errorSchema, error, 'error'));
  }

  async getInfo(streamId: string): Promise<StreamInfo | null> {
    return this.info(this.streamId(streamId));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

