import { asArray, asString, CorruptDataError, isCluster, mapRedisError, parseStored, parseStoredJson, type RedisClient } from '@redstate/core';
import { StreamFailedError, StreamTrimmedError } from './errors.js';
import { StreamChunkFieldsSchema } from './schemas.js';
import type { SequencedChunk, StreamChunk, StreamReader } from './types.js';

export interface BlockingReadOptions {
  readonly client: RedisClient;
  readonly metaKey: string;
  readonly chunksKey: string;
  readonly streamId: string;
  /** Last sequence already seen (exclusive), or `tail` for "only what comes next". */
  readonly from: number | 'tail';
  readonly blockMs: number;
  readonly batchSize: number;
  /** End quietly when the stream's metadata is missing (deleted, expired); else keep waiting. */
  readonly endWhenMissing: boolean;
  readonly onClose?: () => void;
}

interface Entry {
  sequence: number;
  marker: boolean;
  fields: string[];
}

/** Parses an XREAD/XRANGE entry list: ids are `<sequence>-0` for chunks, `<last>-1` for the end marker. */
export function parseEntries(raw: unknown): Entry[] {
  return asArray(raw).map((item) => {
    const [id, fields] = asArray(item);
    const match = /^(\d+)-([01])$/.exec(asString(id));
    if (!match) throw new CorruptDataError(`unexpected stream entry id ${JSON.stringify(id)}`);
    return { sequence: Number(match[1]), marker: match[2] === '1', fields: asArray(fields).map(asString) };
  });
}

export function decodeChunk(streamId: string, entry: Entry): SequencedChunk {
  const what = `chunk ${entry.sequence} of stream ${JSON.stringify(streamId)}`;
  const index = entry.fields.indexOf('chunk');
  const raw = index >= 0 && index % 2 === 0 ? entry.fields[index + 1] : undefined;
  if (raw === undefined) throw new CorruptDataError(`corrupt stored ${what}: no chunk field`);
  // JSON.parse output is JSON data, so only the named fields need checking; the parsed value
  // itself is answered (a schema's output would drop an own "__proto__" key).
  const chunk = parseStoredJson(raw, what);
  parseStored(StreamChunkFieldsSchema, chunk, what);
  return { chunk: chunk as StreamChunk, sequence: entry.sequence };
}

/**
 * Reads a stream with XREAD BLOCK on its own duplicated connection (never the user's
 * shared client), opened on the first `next()` and closed when iteration stops.
 */
export class BlockingReader implements StreamReader<SequencedChunk> {
  private connection: RedisClient | undefined;
  private closed = false;
  private started = false;

  constructor(private readonly options: BlockingReadOptions) {}

  async close(): Promise<void> {
    this.closed = true;
    this.options.onClose?.();
    const connection = this.connection;
    this.connection = undefined;
    connection?.disconnect();
  }

  [Symbol.asyncIterator](): AsyncIterator<SequencedChunk> {
    if (this.started) throw new Error('a stream reader can be iterated once');
    this.started = true;
    return this.iterate();
  }

  private async *iterate(): AsyncGenerator<SequencedChunk> {
    const { client, metaKey, chunksKey, streamId, blockMs, batchSize, endWhenMissing } = this.options;
    if (this.closed) return;
    const connection: RedisClient = isCluster(client) ? client.duplicate() : client.duplicate();
    connection.on('error', () => {}); // failures surface as rejected commands below
    this.connection = connection;
    try {
      let last = this.options.from === 'tail' ? Number((await connection.hget(metaKey, 'lastSequence')) ?? 0) : this.options.from;
      let cursor = `${last}-0`;
      while (!this.closed) {
        const reply: unknown = await connection.xread('COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', chunksKey, cursor);
        if (reply === null) {
          // Nothing new: stop if the stream is gone, or finished with its marker behind our cursor.
          const status = await connection.hget(metaKey, 'status');
          if (status === null ? endWhenMissing : status !== 'active') return;
          continue;
        }
        const [streamReply] = asArray(reply);
        for (const entry of parseEntries(asArray(streamReply)[1])) {
          if (entry.marker) {
            if (entry.fields[1] === 'failed') {
              const error = await connection.hget(metaKey, 'error');
              throw new StreamFailedError(`stream ${JSON.stringify(streamId)} failed: ${error ?? 'unknown error'}`, {
                details: { streamId, error },
              });
            }
            return;
          }
          if (entry.sequence !== last + 1) {
            throw new StreamTrimmedError(
              `stream ${JSON.stringify(streamId)}: chunks ${last + 1}..${entry.sequence - 1} were trimmed (maxStreamLength)`,
              { details: { streamId, from: last + 1, to: entry.sequence - 1 } },
            );
          }
          last = entry.sequence;
          cursor = `${last}-0`;
          yield decodeChunk(streamId, entry);
          if (this.closed) return;
        }
      }
    } catch (error) {
      if (this.closed) return;
      throw mapRedisError(error);
    } finally {
      await this.close();
    }
  }
}
