import {
  type AgentSubmission,
  type AgentSubmissionInput,
  hydratePersistedSubmissionAttachments,
  isSubmissionPayload,
  type SubmissionChunkRow,
  type SubmissionSettledRecord,
  type SubmissionSettlementObligation,
} from '@flue/runtime/adapter';
import { asString, CorruptDataError, parseStored, parseStoredJson } from '@redstate/core';
import { z } from 'zod';

const num = z.string().regex(/^-?\d+$/);
const optNum = num.optional();

/** The row fields the Lua scripts write (all strings; see src/lua/includes/sub-lib.lua). */
const rowSchema = z.object({
  id: z.string(),
  seq: num,
  session: z.string(),
  agent: z.string(),
  inst: z.string(),
  kind: z.enum(['dispatch', 'direct']),
  accepted: num,
  status: z.enum(['queued', 'running', 'terminalizing', 'settled', 'joining', 'joined']),
  ready: optNum,
  attempt: z.string().optional(),
  applied: optNum,
  abort: optNum,
  started: optNum,
  joined: z.string().optional(),
  err: z.string().optional(),
  settled: optNum,
  count: num,
  max: num,
  timeout: num,
  owner: z.string().optional(),
  lease: num,
  ob: z.string().optional(),
});

export type StoredRow = z.output<typeof rowSchema>;

const chunkCountSchema = z.coerce.number().int().min(0);
const chunkSchema = z.object({ itemId: z.string(), index: z.number().int(), count: z.number().int(), data: z.string() });

export interface ParsedRow {
  readonly row: StoredRow;
  /** The admitted input as stored (attachment chunks not yet put back). */
  readonly input: AgentSubmissionInput;
  readonly payload: string;
  /** How many attachment chunks live in the submission's chunk hash. */
  readonly chunkCount: number;
  readonly obligation: string;
}

function n(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** Parses one row reply (row JSON, payload, chunk count, obligation). */
export function parseRowReply(parts: readonly unknown[]): ParsedRow {
  const [rawRow, rawPayload, rawCount, rawObligation] = parts.map(asString);
  const row = parseStored(rowSchema, parseStoredJson(rawRow ?? '', 'flue submission row'), 'flue submission row');
  const payload = rawPayload ?? '';
  const chunkCount = parseStored(chunkCountSchema, rawCount || '0', `chunk count of ${row.id}`);
  const input = parseStoredJson(payload, `payload of submission ${row.id}`);
  if (!isSubmissionPayload(input, { kind: row.kind, submissionId: row.id, sessionKey: row.session, acceptedAt: Number(row.accepted) })) {
    throw new CorruptDataError(`corrupt stored payload of submission ${row.id}: it does not match the row`, {
      details: { submissionId: row.id },
    });
  }
  return { row, input, payload, chunkCount, obligation: rawObligation ?? '' };
}

/** Splits a flat reply (4 entries per row) into parsed rows. */
export function parseRowList(raw: readonly unknown[]): ParsedRow[] {
  if (raw.length % 4 !== 0) throw new CorruptDataError('unexpected submission listing reply');
  const out: ParsedRow[] = [];
  for (let i = 0; i < raw.length; i += 4) out.push(parseRowReply(raw.slice(i, i + 4)));
  return out;
}

/** Parses the chunk rows read from a submission's chunk hash, in position order. */
export function parseChunks(id: string, values: readonly (string | null)[]): SubmissionChunkRow[] {
  return values.map((value, i) => {
    if (value === null) throw new CorruptDataError(`corrupt stored chunks of submission ${id}: chunk ${i} is missing`);
    return parseStored(chunkSchema, parseStoredJson(value, `chunk of ${id}`), `chunk ${i} of ${id}`);
  });
}

/** Flue's submission shape, with the attachment chunks put back into the input. */
export function toSubmission(parsed: ParsedRow, chunks: readonly SubmissionChunkRow[]): AgentSubmission {
  const { row } = parsed;
  return {
    sequence: Number(row.seq),
    submissionId: row.id,
    sessionKey: row.session,
    kind: row.kind,
    input: chunks.length > 0 ? hydratePersistedSubmissionAttachments(parsed.input, chunks) : parsed.input,
    status: row.status,
    acceptedAt: Number(row.accepted),
    canonicalReadyAt: row.ready === undefined ? null : Number(row.ready),
    attemptCount: Number(row.count),
    maxAttempts: Number(row.max),
    timeoutAt: Number(row.timeout),
    leaseExpiresAt: Number(row.lease),
    ...(row.attempt !== undefined && { attemptId: row.attempt }),
    ...(row.applied !== undefined && { inputAppliedAt: n(row.applied) }),
    ...(row.abort !== undefined && { abortRequestedAt: n(row.abort) }),
    ...(row.started !== undefined && { startedAt: n(row.started) }),
    ...(row.joined !== undefined && { joinedInto: row.joined }),
    ...(row.err !== undefined && { error: row.err }),
    ...(row.settled !== undefined && { settledAt: n(row.settled) }),
    ...(row.owner !== undefined && { ownerId: row.owner }),
  };
}

export function obligationOf(parsed: ParsedRow): SubmissionSettlementObligation | null {
  const { row } = parsed;
  if (row.status !== 'terminalizing' || row.ob === undefined || row.attempt === undefined || !parsed.obligation) return null;
  const record = parseStoredJson(parsed.obligation, `settlement record of ${row.id}`) as SubmissionSettledRecord;
  return { submissionId: row.id, sessionKey: row.session, attemptId: row.attempt, recordId: row.ob, record };
}
