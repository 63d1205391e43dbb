import { CorruptDataError, parseStored, parseStoredJson, setOwn } from '@redstate/core';
import { z } from 'zod';
import { decodeExternalIds } from './ext-ids.js';
import { actionsSchema, contextSchema, resultSchema, statusSchema } from './schemas.js';
import type { BatchRecord, HumanActions, HumanRequestRecord, HumanResult, NotifyDeliveryRecord, TimelineEntry } from './types.js';

/** Hash field prefix of per-plugin external ids of batches (`x:<pluginId>`). */
export const EXTERNAL_ID_FIELD = 'x:';

/** The immutable part of a request, stored as one JSON string at create. */
const storedCore = z.looseObject({
  id: z.string(),
  token: z.string(),
  channel: z.string(),
  namespace: z.string(),
  message: z.string(),
  actions: actionsSchema,
  context: contextSchema.optional(),
  batchId: z.string().optional(),
  batchIndex: z.number().int().min(0).optional(),
});

/** A request as the read scripts return it (lua/includes/read-requests.lua). */
const storedRow = z.tuple([
  z.string(),
  z.string(),
  statusSchema,
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  z.string().nullable(),
  z.string().nullable(),
]);

const storedBatch = z.looseObject({
  id: z.string(),
  channel: z.string(),
  message: z.string().optional(),
  actions: z.string().optional(),
  context: z.string().optional(),
  createdAt: z.string(),
  ext: z.string().optional(),
});

const storedNotify = z.object({
  id: z.string(),
  channel: z.string(),
  message: z.string(),
  groupId: z.string(),
  createdAt: z.string(),
  ext: z.string().optional(),
});

const storedTimelineEntry = z.object({
  id: z.string(),
  threadId: z.string(),
  message: z.string(),
  detail: contextSchema.optional(),
  createdAt: z.string(),
});

function json<S extends z.ZodType>(schema: S, raw: string, what: string): z.output<S> {
  return parseStored(schema, parseStoredJson(raw, what), what);
}

function externalIds(fields: Record<string, string>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(EXTERNAL_ID_FIELD)) continue;
    out ??= {};
    setOwn(out, field.slice(EXTERNAL_ID_FIELD.length), value);
  }
  return out;
}

export function decodeRequestRow(raw: unknown): HumanRequestRecord {
  const id = Array.isArray(raw) && typeof raw[0] === 'string' ? raw[0] : '?';
  const what = `human request ${JSON.stringify(id)}`;
  const [, coreJson, status, createdAt, result, resolvedAt, ext, extIds] = parseStored(storedRow, raw, what);
  const c = json(storedCore, coreJson, what);
  if (c.id !== id) throw new CorruptDataError(`${what} holds the record of ${JSON.stringify(c.id)}`);
  const record: HumanRequestRecord = {
    id: c.id,
    token: c.token,
    channel: c.channel,
    namespace: c.namespace,
    message: c.message,
    actions: c.actions as HumanActions,
    status,
    createdAt,
  };
  if (c.context !== undefined) record.context = c.context;
  if (c.batchId !== undefined) record.batchId = c.batchId;
  if (c.batchIndex !== undefined) record.batchIndex = c.batchIndex;
  if (ext !== null) record.externalId = ext;
  if (extIds !== null && extIds !== '') record.externalIds = decodeExternalIds(extIds, what);
  if (result !== null) record.result = json(resultSchema, result, `${what} result`) as HumanResult;
  if (resolvedAt !== null) record.resolvedAt = resolvedAt;
  return record;
}

export function decodeBatch(fields: Record<string, string>, id: string): BatchRecord {
  const what = `batch ${JSON.stringify(id)}`;
  const s = parseStored(storedBatch, fields, what);
  const record: BatchRecord = { id: s.id, channel: s.channel, createdAt: s.createdAt };
  if (s.message !== undefined) record.message = s.message;
  if (s.actions !== undefined) record.actions = json(actionsSchema, s.actions, `${what} actions`) as HumanActions;
  if (s.context !== undefined) record.context = json(contextSchema, s.context, `${what} context`);
  if (s.ext !== undefined) record.externalId = s.ext;
  const ids = externalIds(fields);
  if (ids) record.externalIds = ids;
  return record;
}

export function decodeNotify(fields: Record<string, string>, id: string): NotifyDeliveryRecord {
  const s = parseStored(storedNotify, fields, `notify delivery ${JSON.stringify(id)}`);
  const record: NotifyDeliveryRecord = { id: s.id, channel: s.channel, message: s.message, groupId: s.groupId, createdAt: s.createdAt };
  if (s.ext !== undefined) record.externalId = s.ext;
  return record;
}

export function decodeTimelineEntry(raw: string, threadId: string): TimelineEntry {
  const s = json(storedTimelineEntry, raw, `timeline entry of thread ${JSON.stringify(threadId)}`);
  const entry: TimelineEntry = { id: s.id, threadId: s.threadId, message: s.message, createdAt: s.createdAt };
  if (s.detail !== undefined) entry.detail = s.detail;
  return entry;
}
