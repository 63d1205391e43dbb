import { asArray, asInteger, asString, asStringArray, defineScript, type Script } from '@redstate/core';
import { flueScriptErrors } from './errors.js';
import { lua } from './generated/lua.js';

const errors = flueScriptErrors;
const raw = (value: unknown): unknown[] => asArray(value);

/** Settlement replies: 0, or {1, ids of expired chunked rows to drop}. */
export interface SettleReply {
  readonly settled: boolean;
  readonly drop: readonly string[];
}
const settleReply = (value: unknown): SettleReply => {
  if (value === 0) return { settled: false, drop: [] };
  const [flag, ...ids] = asArray(value);
  return { settled: asInteger(flag) === 1, drop: ids.map(asString) };
};

export const admitScript = defineScript({ ...lua.admit, reply: raw, errors });
export const listScript = defineScript({ ...lua.list, reply: raw, errors });
export const markReadyScript = defineScript({ ...lua.markReady, reply: raw, errors });
export const claimScript = defineScript({ ...lua.claim, reply: raw, errors });
export const inputAppliedScript = defineScript({ ...lua.inputApplied, reply: asInteger, errors });
export const abortSessionScript = defineScript({ ...lua.abortSession, reply: asStringArray, errors });
export const requeueScript = defineScript({ ...lua.requeue, reply: asInteger, errors });
export const replaceAttemptScript = defineScript({ ...lua.replaceAttempt, reply: raw, errors });
export const renewLeasesScript = defineScript({ ...lua.renewLeases, reply: asInteger, errors });
export const reserveSettlementScript = defineScript({ ...lua.reserveSettlement, reply: raw, errors });
export const finalizeSettlementScript = defineScript({ ...lua.finalizeSettlement, reply: settleReply, errors });
export const settleRunningScript = defineScript({ ...lua.settleRunning, reply: settleReply, errors });
export const settleQueuedScript = defineScript({ ...lua.settleQueued, reply: settleReply, errors });
export const dropSettledScript = defineScript({ ...lua.dropSettled, reply: asInteger, errors });
export const claimJoinableScript = defineScript({ ...lua.claimJoinable, reply: raw, errors });
export const joinStepScript = defineScript({ ...lua.joinStep, reply: asInteger, errors });
export const createStreamScript = defineScript({ ...lua.createStream, reply: asInteger, errors });
export const acquireProducerScript = defineScript({
  ...lua.acquireProducer,
  reply: (value: unknown) => {
    const [epoch, incarnation, next] = asArray(value);
    return { epoch: asInteger(epoch), incarnation: asString(incarnation), batches: asInteger(next) };
  },
  errors,
});
export const appendScript = defineScript({ ...lua.append, reply: asInteger, errors });
export const readBatchesScript = defineScript({
  ...lua.readBatches,
  reply: (value: unknown) => {
    const [exists, total, ...items] = asArray(value);
    return { exists: asInteger(exists) === 1, total: asInteger(total), items: items.map(asString) };
  },
  errors,
});
export const formatStampScript = defineScript({
  ...lua.formatStamp,
  reply: (value: unknown) => {
    const [outcome, stored] = asStringArray(value);
    return { outcome: asString(outcome), stored: asString(stored) };
  },
  errors,
});
export const putAttachmentScript = defineScript({
  ...lua.putAttachment,
  reply: (value: unknown) => asArray(value).map((v) => (v === null ? null : asString(v))),
  errors,
});

/** Every script of the package, for `verifyScripts`. */
export const allScripts: readonly Script<unknown>[] = [
  admitScript,
  listScript,
  markReadyScript,
  claimScript,
  inputAppliedScript,
  abortSessionScript,
  requeueScript,
  replaceAttemptScript,
  renewLeasesScript,
  reserveSettlementScript,
  finalizeSettlementScript,
  settleRunningScript,
  settleQueuedScript,
  dropSettledScript,
  claimJoinableScript,
  joinStepScript,
  createStreamScript,
  acquireProducerScript,
  appendScript,
  readBatchesScript,
  formatStampScript,
  putAttachmentScript,
];
