/** One pending append: its chunk JSON, the sequence it claims (null = next), and its promise. */
interface PendingAppend {
  readonly json: string;
  readonly sequence: number | null;
  readonly resolve: (sequence: number) => void;
  readonly reject: (error: unknown) => void;
}

/** Sends one run of chunks (consecutive sequences) in one script; resolves with the first sequence. */
export type SendRun = (streamId: string, jsons: readonly string[], firstSequence: number | null) => Promise<number>;

const MAX_RUN = 512;

/**
 * Appends issued in the same tick to the same stream (a producer pushing tokens without
 * awaiting each) go to Redis as one script run: one round trip for the batch, each chunk still
 * stored exactly as if appended alone, in call order. Awaited one by one, appends are sent
 * one by one as before.
 */
export class AppendCoalescer {
  private readonly pending = new Map<string, PendingAppend[]>();

  constructor(private readonly send: SendRun) {}

  append(streamId: string, json: string, sequence: number | null): Promise<number> {
    return new Promise((resolve, reject) => {
      let queue = this.pending.get(streamId);
      if (!queue) {
        queue = [];
        this.pending.set(streamId, queue);
        queueMicrotask(() => this.flush(streamId));
      }
      queue.push({ json, sequence, resolve, reject });
    });
  }

  private flush(streamId: string): void {
    const queue = this.pending.get(streamId) ?? [];
    this.pending.delete(streamId);
    // Runs are sent in order on one connection, so Redis applies them in call order.
    for (const run of splitRuns(queue)) {
      const first = run[0];
      if (!first) continue;
      this.send(
        streamId,
        run.map((p) => p.json),
        first.sequence,
      ).then(
        (start) => {
          for (const [i, p] of run.entries()) p.resolve(start + i);
        },
        (error: unknown) => {
          for (const p of run) p.reject(error);
        },
      );
    }
  }
}

/**
 * Splits the queue where one script could not take the next chunk: a switch between claimed
 * and unclaimed sequences, a claimed sequence that does not follow the previous one, or the
 * size cap. A failing run fails exactly the appends that would have failed one by one.
 */
function splitRuns(queue: readonly PendingAppend[]): PendingAppend[][] {
  const runs: PendingAppend[][] = [];
  let current: PendingAppend[] = [];
  for (const item of queue) {
    const prev = current.at(-1);
    const continues =
      prev !== undefined &&
      current.length < MAX_RUN &&
      (prev.sequence === null ? item.sequence === null : item.sequence === prev.sequence + 1);
    if (!continues && current.length > 0) {
      runs.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
