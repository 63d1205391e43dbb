// A minimal server-sent-events writer on a node:http response.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseEvent {
  /** Becomes the client's Last-Event-ID; leave it out for control events. */
  readonly id?: number;
  readonly event?: string;
  readonly data: unknown;
}

export class SseWriter {
  readonly #res: ServerResponse;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  open(heartbeatMs = 15_000): void {
    this.#res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.#res.flushHeaders();
    // Comments keep proxies from closing an idle stream; clients ignore them.
    this.#heartbeat = setInterval(() => this.#res.write(': keep-alive\n\n'), heartbeatMs);
    this.#heartbeat.unref();
  }

  send(event: SseEvent): void {
    let frame = '';
    if (event.id !== undefined) frame += `id: ${event.id}\n`;
    if (event.event !== undefined) frame += `event: ${event.event}\n`;
    // JSON has no raw newlines, so one data line per event.
    frame += `data: ${JSON.stringify(event.data)}\n\n`;
    this.#res.write(frame);
  }

  end(): void {
    clearInterval(this.#heartbeat);
    if (!this.#res.writableEnded) this.#res.end();
  }
}

/**
 * The sequence the client already has: the `Last-Event-ID` header (set by EventSource on
 * reconnect) wins over `?lastEventId=`. Null when the value is not a non-negative integer.
 */
export function lastEventId(req: IncomingMessage, url: URL): number | null {
  const header = req.headers['last-event-id'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId') ?? '0';
  if (!/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}
