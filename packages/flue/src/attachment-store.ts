import { randomUUID } from 'node:crypto';
import {
  AttachmentConflictError,
  type AttachmentStore,
  copyAttachmentBytes,
  type GetAttachmentInput,
  type PutAttachmentInput,
  type StoredAttachment,
  sameAttachmentRef,
  verifyAttachmentBytes,
} from '@flue/runtime/adapter';
import {
  Batch,
  CorruptDataError,
  execPipelineSettled,
  keepAsGiven,
  mapRedisError,
  withMappedErrors,
  parseInput,
  parseStored,
  parseStoredJson,
  type RedisClient,
} from '@redstate/core';
import { z } from 'zod';
import { PIECE_BYTES } from './conversation-stream-store.js';
import { idSchema } from './inputs.js';
import type { FlueKeys } from './keys.js';
import { putAttachmentScript } from './scripts.js';

/** Staged pieces of a put that never commits (the writer died) expire after this long. */
const STAGE_TTL_MS = 60 * 60 * 1000;

const refSchema = z.looseObject({
  id: z.string(),
  mimeType: z.string(),
  size: z.number().int().min(0),
  digest: z.string(),
  filename: z.string().optional(),
});

/** A stored ref, answered as JSON.parse made it: zod's copy would drop an own "__proto__" key. */
const storedRefSchema = keepAsGiven(refSchema);

const putSchema = z.object({
  streamPath: idSchema,
  attachment: refSchema.extend({ id: idSchema }),
  bytes: z.instanceof(Uint8Array),
  conversationId: idSchema,
});

const getSchema = z.object({ streamPath: idSchema, conversationId: idSchema, attachmentId: idSchema });

/**
 * Immutable attachment bytes, one hash per attachment (one slot per stream path). Bytes up
 * to one piece are stored inline; bigger ones are staged piece by piece and moved into place
 * by one script, so no single command copies a whole large attachment.
 */
export class RedisAttachmentStore implements AttachmentStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: FlueKeys,
    private readonly ready: () => Promise<unknown>,
  ) {}

  async put(input: PutAttachmentInput): Promise<void> {
    const p = parseInput(putSchema, input, 'attachment');
    await verifyAttachmentBytes(input.attachment, input.bytes);
    await this.ready();
    const bytes = Buffer.from(copyAttachmentBytes(input.bytes));
    const key = this.keys.attachment(p.streamPath, p.attachment.id);
    const staged = bytes.length > PIECE_BYTES;
    const stageKey = this.keys.attachmentStage(p.streamPath, p.attachment.id, staged ? randomUUID() : '-');
    let pieces = 0;
    if (staged) {
      const stage = new Batch(this.client);
      for (let i = 0; i < bytes.length; i += PIECE_BYTES, pieces++) {
        stage.command('HSET', [stageKey, `p${pieces}`, bytes.subarray(i, i + PIECE_BYTES)]);
      }
      stage.command('PEXPIRE', [stageKey, STAGE_TTL_MS]);
      await stage.exec();
    }
    const existing = await putAttachmentScript.run(
      this.client,
      [key, stageKey],
      [p.conversationId, JSON.stringify(input.attachment), staged ? 'staged' : 'inline', staged ? pieces : bytes],
    );
    if (existing.length === 0) return;
    const [conversationId, refJson] = existing;
    const stored = parseStored(storedRefSchema, parseStoredJson(refJson ?? '', `attachment ${p.attachment.id}`), `attachment ${p.attachment.id}`);
    // Same digest and size means the same bytes (the digest was verified before storing).
    if (conversationId !== p.conversationId || !sameAttachmentRef(stored, input.attachment)) {
      throw new AttachmentConflictError({ path: p.streamPath, attachmentId: p.attachment.id });
    }
  }

  async get(input: GetAttachmentInput): Promise<StoredAttachment | null> {
    const g = parseInput(getSchema, input, 'attachment lookup');
    await this.ready();
    const key = this.keys.attachment(g.streamPath, g.attachmentId);
    const what = `attachment ${g.attachmentId}`;
    const [conv, ref, n, inline] = await withMappedErrors(() => this.client.hmgetBuffer(key, 'conv', 'ref', 'n', 'bytes'));
    if (!conv || !ref || conv.toString('utf8') !== g.conversationId) return null;
    const attachment = parseStored(storedRefSchema, parseStoredJson(ref.toString('utf8'), what), what);
    const pieces = Number(n?.toString('utf8') ?? '0');
    let bytes: Buffer;
    if (pieces === 0) {
      if (!inline) throw new CorruptDataError(`corrupt stored ${what}: bytes are missing`);
      bytes = inline;
    } else {
      bytes = await this.readPieces(key, pieces, what);
    }
    if (bytes.length !== attachment.size) throw new CorruptDataError(`corrupt stored ${what}: size differs from its ref`);
    return { attachment, bytes: copyAttachmentBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
  }

  private async readPieces(key: string, pieces: number, what: string): Promise<Buffer> {
    const pipeline = this.client.pipeline();
    for (let i = 0; i < pieces; i++) pipeline.hgetBuffer(key, `p${i}`);
    const replies = await execPipelineSettled(pipeline);
    return Buffer.concat(
      replies.map(([error, value]) => {
        if (error) throw mapRedisError(error);
        if (!Buffer.isBuffer(value)) throw new CorruptDataError(`corrupt stored ${what}: a piece is missing`);
        return value;
      }),
    );
  }
}
