/**
 * Runs `total` numbered operations with `concurrency` in flight. An operation that throws is
 * retried (same number) until it succeeds or `stop()` says to give up; returns the numbers
 * that were acknowledged.
 */
export async function driveWrites(options: {
  readonly total: number;
  readonly concurrency: number;
  readonly write: (i: number) => Promise<void>;
  readonly retry: boolean;
  readonly onAck?: (acked: number) => void;
}): Promise<{ acked: number[]; failures: number }> {
  const acked: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.total) {
      const i = next++;
      for (let attempt = 0; ; attempt++) {
        try {
          await options.write(i);
          acked.push(i);
          options.onAck?.(acked.length);
          break;
        } catch {
          failures++;
          if (!options.retry || attempt > 200) break;
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { acked, failures };
}
