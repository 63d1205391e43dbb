// The HTTP API on node:http:
//   POST /sessions/:id/run      start or resume a run (202), JSON body { prompt?, waitMs? }
//   GET  /sessions/:id/events   server-sent events: replay + live, resumable with Last-Event-ID
//   GET  /sessions/:id          state, usage rollup, stream info, lock
import type { AgentState, StreamInfo } from '@redstate/agent-state';
import type { LockInfo } from '@redstate/locks';
import type { UsageRollup } from '@redstate/usage';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type RunRequest, RunRefusedError, type RunStart, startRun } from './run-session.ts';
import type { Services } from './services.ts';
import { lastEventId, SseWriter } from './sse.ts';


/** What `GET /sessions/:id` returns. */
export interface SessionView {
  readonly state: AgentState;
  readonly usage: UsageRollup | null;
  readonly stream: StreamInfo | null;
  /** Who runs the session right now (null when no run holds the lock). */
  readonly lock: LockInfo | null;
  readonly latestCheckpoint: { readonly id: string; readonly stepCount: number; readonly messageCount: number } | null;
}

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Redstate errors carry a stable `code`. */
function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function statusFor(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof RunRefusedError) return error.reason === 'completed' ? 409 : 400;
  switch (codeOf(error)) {
    case 'VALIDATION':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'LOCK_UNAVAILABLE':
      return 409;
    default:
      return 500;
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    parts.push(part);
  }
  const text = Buffer.concat(parts).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  return body as Record<string, unknown>;
}

function runRequestOf(body: Record<string, unknown>): RunRequest {
  const { prompt, waitMs } = body;
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt.trim() === '' || prompt.length > 10_000)) {
    throw new HttpError(400, 'prompt must be a non-empty string of at most 10000 characters');
  }
  if (waitMs !== undefined && (!Number.isInteger(waitMs) || (waitMs as number) < 0 || (waitMs as number) > 60_000)) {
    throw new HttpError(400, 'waitMs must be an integer from 0 to 60000');
  }
  return { prompt, waitMs: waitMs as number | undefined };
}

async function postRun(app: AgentServer, services: Services, sessionId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = runRequestOf(await readJson(req));
  const handle = startRun(services, sessionId, request);
  const done = handle.finished
    .then(() => undefined)
    .catch((error: unknown) => {
      // Refusals were answered through `started`; anything after the start is a background failure.
      if (!(error instanceof RunRefusedError) && codeOf(error) !== 'LOCK_UNAVAILABLE') app.onRunError(sessionId, error);
    })
    .finally(() => app.running.delete(sessionId));
  app.running.set(sessionId, done);
  let start: RunStart;
  try {
    start = await handle.started;
  } catch (error) {
    if (codeOf(error) === 'LOCK_UNAVAILABLE') throw new HttpError(409, `session ${sessionId} is running in another worker`);
    throw error;
  }
  json(res, 202, { ...start, events: `/sessions/${encodeURIComponent(sessionId)}/events` });
}

async function getEvents(services: Services, sessionId: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const after = lastEventId(req, url);
  if (after === null) throw new HttpError(400, 'Last-Event-ID / lastEventId must be a non-negative integer');
  const reader = await services.streams.createResumableReader(sessionId, { fromSequence: after });
  if (reader === null) throw new HttpError(404, `no stream for session ${sessionId}`);
  const sse = new SseWriter(res);
  res.on('close', () => void reader.close());
  sse.open();
  let last = after;
  try {
    for await (const { chunk, sequence } of reader) {
      sse.send({ id: sequence, data: chunk });
      last = sequence;
    }
    if (!res.destroyed) sse.send({ event: 'end', data: { status: 'ended', lastEventId: last } });
  } catch (error) {
    // A failed or trimmed stream: tell the client why instead of cutting the connection.
    if (!res.destroyed) sse.send({ event: 'error', data: { code: codeOf(error) ?? 'ERROR', message: String((error as Error).message) } });
  } finally {
    sse.end();
  }
}

async function getSession(services: Services, sessionId: string, res: ServerResponse): Promise<void> {
  const [state, usage, stream, lock, checkpoint] = await Promise.all([
    services.states.loadState(sessionId),
    services.usage.getRollup(sessionId),
    services.streams.getInfo(sessionId),
    services.locks.getLock(sessionId),
    services.states.getLatestCheckpoint(sessionId),
  ]);
  if (state === null) throw new HttpError(404, `no session ${sessionId}`);
  const latestCheckpoint = checkpoint && { id: checkpoint.id, stepCount: checkpoint.stepCount, messageCount: checkpoint.messageCount };
  const view: SessionView = { state, usage, stream, lock, latestCheckpoint };
  json(res, 200, view);
}

const ROUTE = /^\/sessions\/([^/]+)(\/run|\/events)?$/;

async function route(app: AgentServer, services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = ROUTE.exec(url.pathname);
  if (!match) throw new HttpError(404, 'not found');
  let sessionId: string;
  try {
    sessionId = decodeURIComponent(match[1] ?? '');
  } catch {
    throw new HttpError(400, 'bad session id');
  }
  const action = `${req.method} ${match[2] ?? ''}`;
  if (action === 'POST /run') return postRun(app, services, sessionId, req, res);
  if (action === 'GET /events') return getEvents(services, sessionId, req, res, url);
  if (action === 'GET ') return getSession(services, sessionId, res);
  throw new HttpError(405, 'method not allowed');
}

export class AgentServer {
  readonly server: Server;
  /** Runs started by this server that have not settled yet. */
  readonly running = new Map<string, Promise<void>>();
  /** Called when a background run fails (lock lost, Redis down, ...). */
  onRunError: (sessionId: string, error: unknown) => void = (sessionId, error) =>
    console.error(`run of session ${sessionId} failed:`, error);

  constructor(services: Services) {
    this.server = createServer((req, res) => {
      route(this, services, req, res).catch((error: unknown) => {
        const status = statusFor(error);
        if (res.headersSent) return void res.end();
        json(res, status, { error: status === 500 ? 'internal error' : (error as Error).message, code: codeOf(error) });
        if (status === 500) console.error(error);
      });
    });
  }

  /** Stops accepting requests, ends open SSE responses and waits for runs in progress. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all(this.running.values());
  }
}

/** Listens on `port` (0 = any free port) and returns the base URL. */
export async function listen(app: AgentServer, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(port, host, () => resolve());
  });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://${host}:${address.port}`;
}
