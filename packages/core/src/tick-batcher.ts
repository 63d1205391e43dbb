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
/** A tick's group larger than this is sent as two halves, the second one event-loop turn later. */
export const DEFAULT_SPLIT_ABOVE = 8;

export interface TickBatcherOptions {
  /** Most items per `send` call. */
  readonly maxItems?: number;
  /** Groups of more items than this are split in two (see TickBatcher). */
  readonly splitAbove?: number;
}

/**
 * Coalesces calls made in the same tick: every `submit` before the event loop next turns
 * (including ones made by promise continuations of that tick) is sent with the others of its
 * group in one `send` call, up to `maxItems` per call. Used where many callers on one client
 * issue small independent scripts concurrently; a caller awaiting one call at a time sees one
 * item per batch and the same latency as before.
 *
 * Two batches in flight: a group of more than `splitAbove` items goes out as two halves, the
 * second one event-loop turn after the first. Redis answers everything it read in one pass
 * together and one reply wakes all its callers at once, so one batch per tick keeps every
 * caller in lockstep, with client and server taking turns to idle. With the split, the server
 * works on the first half while the client writes the second, and the two halves' callers come
 * back at different times, keeping the pipeline full. Items still reach the connection in
 * submission order: while a second half waits, later batches queue behind it.
 *
 * Groups keep apart items that cannot share a script (on a Cluster: different hash tags).
 * If `send` rejects (connection lost, server refused), every item of that batch rejects.
 */
export class TickBatcher<I, R> {
  private readonly groups = new Map<string, Pending<I, R>[]>();
  private scheduled = false;
  /** Batches waiting for the next event-loop turn, in the order they must be sent. */
  private deferred: Pending<I, R>[][] = [];
  private readonly maxItems: number;
  private readonly splitAbove: number;

  constructor(
    private readonly send: SendBatch<I, R>,
    options: TickBatcherOptions = {},
  ) {
    this.maxItems = options.maxItems ?? DEFAULT_MAX_BATCH;
    this.splitAbove = options.splitAbove ?? DEFAULT_SPLIT_ABOVE;
  }

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
    const later: Pending<I, R>[][] = [];
    for (const queue of groups) {
      const now = queue.length > this.splitAbove ? Math.ceil(queue.length / 2) : queue.length;
      const chunks = this.chunks(queue.slice(0, now));
      // Behind a waiting second half, everything waits too, so order on the wire is kept.
      if (this.deferred.length > 0) later.push(...chunks);
      else for (const chunk of chunks) this.sendChunk(chunk);
      if (now < queue.length) later.push(...this.chunks(queue.slice(now)));
    }
    if (later.length === 0) return;
    if (this.deferred.length === 0) setImmediate(() => this.sendDeferred());
    this.deferred.push(...later);
  }

  private sendDeferred(): void {
    const chunks = this.deferred;
    this.deferred = [];
    for (const chunk of chunks) this.sendChunk(chunk);
  }

  private chunks(items: Pending<I, R>[]): Pending<I, R>[][] {
    if (items.length <= this.maxItems) return [items];
    const out: Pending<I, R>[][] = [];
    for (let start = 0; start < items.length; start += this.maxItems) out.push(items.slice(start, start + this.maxItems));
    return out;
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
