import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlreadyResolvedError, type HumanRequestRecord, type HumanRequestStatus, type State } from '@redstate/hitl';
import { note } from './timeline.ts';

export interface InboxOptions {
  readonly state: State;
  /** Told the token of every request this server resolved (exactly once per request). */
  readonly onResolved?: (token: string) => Promise<unknown>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Redstate errors carry a `code`; these are the ones a client can cause.
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [AlreadyResolvedError.code]: 409,
  NOT_FOUND: 404,
  VALIDATION: 400,
};

/**
 * The approvals inbox over HTTP:
 * - `GET  /inbox?namespace=&status=&limit=&cursor=` newest first, `nextCursor` for the next page
 * - `GET  /requests/:id`
 * - `POST /requests/:id/resolve` `{ actionId, by?, feedbacks? }` (409 when already resolved)
 * - `POST /requests/:id/external-id` `{ externalId, pluginId? }` (e.g. the Slack message ts)
 * - `GET  /batches/:id` the batch and its requests in batch order
 * - `GET  /threads/:id/timeline`
 */
export function createInboxServer(options: InboxOptions): Server {
  return createServer((req, res) => {
    route(options, req)
      .then((body) => send(res, 200, body))
      .catch((error: unknown) => {
        if (error instanceof HttpError) return send(res, error.status, { error: error.message });
        const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
        const status = STATUS_BY_CODE[code];
        if (status) return send(res, status, { error: error instanceof Error ? error.message : String(error), code });
        console.error(error);
        send(res, 500, { error: 'internal error' });
      });
  });
}

/** Listens on `port` (0: any free port) and returns the base URL. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}

async function route({ state, onResolved }: InboxOptions, req: IncomingMessage): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://inbox');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';

  if (method === 'GET' && parts.length === 1 && parts[0] === 'inbox') {
    const q = url.searchParams;
    const limit = q.get('limit');
    const page = await state.list({
      namespace: q.get('namespace') || undefined,
      status: status(q.get('status')),
      cursor: q.get('cursor') || undefined,
      limit: limit ? positive(limit) : undefined,
    });
    return { items: page.items.map(summary), nextCursor: page.nextCursor ?? null };
  }

  if (parts[0] === 'requests' && parts.length >= 2) {
    const id = parts[1] as string;
    if (method === 'GET' && parts.length === 2) return withoutToken((await state.get(id)) ?? notFound(`no request ${id}`));
    if (method === 'POST' && parts[2] === 'resolve' && parts.length === 3) return resolve(state, id, await readJson(req), onResolved);
    if (method === 'POST' && parts[2] === 'external-id' && parts.length === 3) {
      const body = await readJson(req);
      const externalId = requireString(body, 'externalId');
      const pluginId = optionalString(body, 'pluginId');
      await state.setExternalId(id, externalId, pluginId);
      return withoutToken((await state.get(id)) ?? notFound(`no request ${id}`));
    }
  }

  if (method === 'GET' && parts[0] === 'batches' && parts.length === 2) {
    const id = parts[1] as string;
    const batch = (await state.getBatch(id)) ?? notFound(`no batch ${id}`);
    return { batch, requests: (await state.listByBatch(id)).map(summary) };
  }

  if (method === 'GET' && parts[0] === 'threads' && parts[2] === 'timeline' && parts.length === 3) {
    return { entries: await state.timeline(parts[1] as string) };
  }

  throw new HttpError(404, `no route ${method} ${url.pathname}`);
}

async function resolve(state: State, id: string, body: Record<string, unknown>, onResolved: InboxOptions['onResolved']): Promise<unknown> {
  const actionId = requireString(body, 'actionId');
  const record = (await state.get(id)) ?? notFound(`no request ${id}`);
  if (!record.actions.some((a) => a.id === actionId)) {
    throw new HttpError(400, `unknown action ${JSON.stringify(actionId)}; offered: ${record.actions.map((a) => a.id).join(', ')}`);
  }
  const feedbacks = body.feedbacks;
  // One atomic script: of many racing resolves exactly one gets here without AlreadyResolvedError.
  await state.resolve(id, {
    type: 'RESOLVED',
    id,
    actionId,
    externalRef: record.externalId ?? '',
    by: body.by,
    feedbacks: typeof feedbacks === 'object' && feedbacks !== null && !Array.isArray(feedbacks) ? (feedbacks as Record<string, unknown>) : {},
  });
  const threadId = typeof record.context?.threadId === 'string' ? record.context.threadId : id;
  await note(state, threadId, `${id} resolved: ${actionId}`, { requestId: id, by: body.by ?? null });
  await onResolved?.(record.token);
  return withoutToken((await state.get(id)) ?? notFound(`no request ${id}`));
}

// The resume token is the engine's secret: the inbox never hands it to a browser.
function withoutToken(record: HumanRequestRecord): Omit<HumanRequestRecord, 'token'> {
  const { token: _token, ...rest } = record;
  return rest;
}

function summary(r: HumanRequestRecord) {
  return {
    id: r.id,
    namespace: r.namespace,
    channel: r.channel,
    status: r.status,
    message: r.message,
    actions: r.actions.map((a) => a.id),
    createdAt: r.createdAt,
    ...(r.batchId === undefined ? {} : { batchId: r.batchId, batchIndex: r.batchIndex }),
    ...(r.result?.type === 'RESOLVED' ? { actionId: r.result.actionId } : {}),
  };
}

function status(value: string | null): HumanRequestStatus | undefined {
  if (!value) return undefined;
  if (value === 'pending' || value === 'resolved') return value;
  throw new HttpError(400, 'status must be pending or resolved');
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'limit must be a positive integer');
  return n;
}

function notFound(message: string): never {
  throw new HttpError(404, message);
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `${field} must be a non-empty string`);
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : requireString(body, field);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {}
  throw new HttpError(400, 'body must be a JSON object');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
