// A small SSE client on fetch for the tests: parses frames, stops at the stream's end, or
// earlier when `stopWhen` says so (closing the connection, like a client that drops).

export interface SseMessage {
  readonly id: number | undefined;
  readonly event: string;
  readonly data: unknown;
}

export interface ReadOptions {
  readonly lastEventId?: number | string;
  readonly stopWhen?: (message: SseMessage) => boolean;
}

export interface ReadResult {
  readonly status: number;
  readonly messages: SseMessage[];
  /** Whether the server closed the stream (rather than the client stopping). */
  readonly closedByServer: boolean;
}

function parseFrame(frame: string): SseMessage | null {
  let id: number | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = Number(value);
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { id, event, data: JSON.parse(data.join('\n')) };
}

export async function readSse(url: string, options: ReadOptions = {}): Promise<ReadResult> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  const response = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    return { status: response.status, messages, closedByServer: true };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const bytes of response.body) {
      buffer += decoder.decode(bytes, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const message = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (message === null) continue;
        messages.push(message);
        if (options.stopWhen?.(message)) {
          controller.abort();
          return { status: response.status, messages, closedByServer: false };
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: response.status, messages, closedByServer: true };
}
