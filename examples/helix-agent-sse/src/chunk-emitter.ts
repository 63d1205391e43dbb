// Writes a run's chunks to the session stream at most once each. Every chunk carries a
// stable `chunkId`; a resumed run first reads what the crashed run already wrote after the
// last checkpoint and skips those chunks, so readers never see the same output twice.
import type { StreamChunk, StreamWriter } from '@redstate/agent-state';
import type { Services } from './services.ts';

export type RunChunk = StreamChunk & { readonly chunkId: string };

export interface EmitHooks {
  /** Called after each chunk this process wrote (the crash demo hangs here). */
  readonly afterWrite?: (sequence: number, chunk: RunChunk) => Promise<void> | void;
}

const PAGE = 1000;

async function chunkIdsAfter(services: Services, sessionId: string, fromSequence: number): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let from = fromSequence;
  for (;;) {
    const page = await services.storage.readFrom(sessionId, from, PAGE);
    for (const { chunk, sequence } of page) {
      if (typeof chunk.chunkId === 'string') found.set(chunk.chunkId, sequence);
      from = sequence;
    }
    if (page.length < PAGE) return found;
  }
}

export class ChunkEmitter {
  readonly #writer: StreamWriter;
  readonly #written: Map<string, number>;
  readonly #signal: AbortSignal;
  readonly #hooks: EmitHooks;
  #lastSequence: number;
  #skipped = 0;

  private constructor(writer: StreamWriter, written: Map<string, number>, from: number, signal: AbortSignal, hooks: EmitHooks) {
    this.#writer = writer;
    this.#written = written;
    this.#lastSequence = from;
    this.#signal = signal;
    this.#hooks = hooks;
  }

  /** Joins (or creates) the session stream; `fromSequence` is the stream position of the last checkpoint. */
  static async open(
    services: Services,
    sessionId: string,
    fromSequence: number,
    signal: AbortSignal,
    hooks: EmitHooks = {},
  ): Promise<ChunkEmitter> {
    const writer = await services.streams.createWriter(sessionId, 'helix-demo', 'assistant');
    const written = await chunkIdsAfter(services, sessionId, fromSequence);
    return new ChunkEmitter(writer, written, fromSequence, signal, hooks);
  }

  /** Sequence of the newest chunk of this run (written now or found already written). */
  get lastSequence(): number {
    return this.#lastSequence;
  }

  /** Chunks found already written by an earlier attempt and not written again. */
  get skipped(): number {
    return this.#skipped;
  }

  async emit(chunk: RunChunk): Promise<void> {
    this.#signal.throwIfAborted();
    const existing = this.#written.get(chunk.chunkId);
    if (existing !== undefined) {
      this.#lastSequence = existing;
      this.#skipped++;
      return;
    }
    const sequence = await this.#writer.write(chunk);
    this.#lastSequence = sequence;
    await this.#hooks.afterWrite?.(sequence, chunk);
  }

  async close(): Promise<void> {
    await this.#writer.close();
  }
}
