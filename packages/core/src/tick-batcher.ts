import { isCluster, type RedisClient } from './client.js';
import { CorruptDataError } from './errors.js';
import { hashTagOf } from './keyspace.js';

/** What one item of a batch came to: its value, or the error that item alone fails with. */
export type BatchOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Sends one batch (items in submission order) in one round trip; answers one outcome per item. */
export type SendBatch<I, R> = (items: readonly I[]) => Promise<readonly BatchOutcome<R>[]>;

interface Pending<I, R> {
  readonly item: I;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

export const DEFAULT_MAX_BATCH = 128;

/**
 * Coalesces calls made in the same tick: every `submit` before the event loop next turns
 * (including ones made by promise continuations of that tick) is sent with the others of its
 * group in one `send` call, up to `maxItems` per call. Used where many callers on one client
 * issue small independent scripts concurrently; a caller awaiting one call at a time sees one
 * item per batch and the same latency as before.
 *
 * Groups keep apart items that cannot share a script (on a Cluster: different hash tags).
 * If `send` rejects (connection lost, server refused), every item of that batch rejects.
 */
export class TickBatcher<I, R> {
  private readonly groups = new Map<string, Pending<I, R>[]>();
  private scheduled = false;

  constructor(
    private readonly send: SendBatch<I, R>,
    private readonly maxItems = DEFAULT_MAX_BATCH,
  ) {}

  submit(group: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.groups.get(group);
      if (!queue) {
        queue = [];
        this.groups.set(group, queue);
      }
      queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // nextTick queued from a promise continuation runs once the microtask queue is empty,
        // so every continuation of this tick has had its chance to submit.
        process.nextTick(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const queue of groups) {
      for (let start = 0; start < queue.length; start += this.maxItems) {
        this.sendChunk(queue.slice(start, start + this.maxItems));
      }
    }
  }

  private sendChunk(chunk: readonly Pending<I, R>[]): void {
    let sent: Promise<readonly BatchOutcome<R>[]>;
    try {
      sent = this.send(chunk.map((p) => p.item));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (outcomes) => {
        if (outcomes.length !== chunk.length) {
          const error = new CorruptDataError(`batch of ${chunk.length} answered ${outcomes.length} outcomes`);
          for (const p of chunk) p.reject(error);
          return;
        }
        for (const [i, p] of chunk.entries()) {
          const outcome = outcomes[i] as BatchOutcome<R>;
          if (outcome.ok) p.resolve(outcome.value);
          else p.reject(outcome.error);
        }
      },
      (error: unknown) => {
        for (const p of chunk) p.reject(error);
      },
    );
  }
}

/**
 * How to group a {@link TickBatcher}'s items by key so one script may run them together: all
 * in one group on a single server, one group per hash tag on a Cluster.
 */
export function batchGroupOf(client: RedisClient): (key: string) => string {
  return isCluster(client) ? hashTagOf : () => '';
}
