/** Rejects with the signal's reason as soon as it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** Sleeps `ms`, or rejects early with the signal's reason. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Delay before the next attempt: exponential from `base`, capped by how long the holder
 * still has and by the time left, with full jitter so contenders do not retry in step.
 */
export function retryDelay(attempt: number, base: number, holderLeftMs: number, remainingMs: number): number {
  const exp = Math.min(base * 2 ** Math.min(attempt, 6), 1000);
  const cap = Math.max(1, Math.min(exp, holderLeftMs > 0 ? holderLeftMs : exp, remainingMs));
  return Math.max(1, Math.floor(cap / 2 + Math.random() * (cap / 2)));
}
