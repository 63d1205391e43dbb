// Starts or resumes a session's run under its lock. The lock's fencing token goes with
// every state write, so a worker that lost its lock (paused, partitioned) cannot overwrite
// the progress of the worker that took over.
import type { Lock } from '@redstate/locks';
import { AGENT_TYPE, type AgentOutcome, finishStream, type ResumePoint, runAgent, type SessionCustomState } from './agent-loop.ts';
import { ChunkEmitter, type EmitHooks } from './chunk-emitter.ts';
import type { Services } from './services.ts';

export interface RunRequest {
  /** Needed to start a new session; ignored when resuming. */
  readonly prompt?: string;
  /** How long to wait for a lock held by another worker (e.g. a crashed one whose lease has not run out). */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
  readonly hooks?: EmitHooks;
}

export interface RunStart {
  readonly sessionId: string;
  readonly resumed: boolean;
  /** Step of the checkpoint the run continues from (0 for a new session). */
  readonly fromStep: number;
  /** Stream sequence of that checkpoint: SSE events after it belong to this attempt. */
  readonly fromSequence: number;
  readonly fencingToken: number;
  readonly resumeCount: number;
}

/** Why a run was not started (mapped to HTTP 400/409 by the server). */
export class RunRefusedError extends Error {
  readonly reason: 'prompt-required' | 'completed';
  constructor(reason: 'prompt-required' | 'completed', message: string) {
    super(message);
    this.name = 'RunRefusedError';
    this.reason = reason;
  }
}

export interface RunHandle {
  /** Resolves once the lock is held and the stream exists; rejects if the run could not start. */
  readonly started: Promise<RunStart>;
  /** Settles when the run ends (or fails, or the lock is lost). */
  readonly finished: Promise<AgentOutcome>;
}

function asCustomState(value: Record<string, unknown>): SessionCustomState {
  const { prompt, streamSequence } = value;
  if (typeof prompt !== 'string' || typeof streamSequence !== 'number') {
    throw new TypeError('session customState is not from this example');
  }
  return { ...value, prompt, streamSequence } as SessionCustomState;
}

async function loadResumePoint(services: Services, sessionId: string): Promise<ResumePoint | null> {
  const checkpoint = await services.states.getLatestCheckpoint(sessionId);
  if (checkpoint === null) return null;
  const { messages } = await services.states.getMessages(sessionId, { limit: checkpoint.messageCount });
  return { state: { ...checkpoint.state, customState: asCustomState(checkpoint.state.customState) }, messages };
}

async function createSession(services: Services, sessionId: string, prompt: string, lock: Lock): Promise<ResumePoint> {
  const state: ResumePoint['state'] = {
    sessionId,
    agentType: AGENT_TYPE,
    status: 'running',
    stepCount: 0,
    streamId: sessionId,
    customState: { prompt, streamSequence: 0 },
  };
  const messages = [{ role: 'user' as const, content: prompt }];
  await services.states.saveState(sessionId, { ...state, messages }, { fencingToken: lock.fencingToken, checkpoint: 'always' });
  return { state, messages };
}

async function prepare(
  services: Services,
  sessionId: string,
  request: RunRequest,
  lock: Lock,
  signal: AbortSignal,
): Promise<{ start: RunStart; from: ResumePoint; emitter: ChunkEmitter }> {
  const existing = await loadResumePoint(services, sessionId);
  if (existing === null && !request.prompt) {
    throw new RunRefusedError('prompt-required', 'a new session needs a prompt');
  }
  const from = existing ?? (await createSession(services, sessionId, request.prompt ?? '', lock));
  const fromSequence = from.state.customState.streamSequence;
  const emitter = await openEmitter(services, sessionId, fromSequence, signal, request.hooks);
  if (existing !== null && existing.state.status === 'completed') {
    // A worker that died between its final checkpoint and ending the stream: finish the stream.
    if (emitter !== null) await finishStream(services, sessionId, emitter, String(existing.state.output ?? ''));
    throw new RunRefusedError('completed', `session ${sessionId} has already completed`);
  }
  if (emitter === null) throw new RunRefusedError('completed', `the stream of session ${sessionId} has already ended`);
  let resumeCount = 0;
  if (existing !== null) {
    // Moves the session's fence to our token: from here on the crashed worker's writes are refused.
    await services.states.updateStatus(sessionId, 'running', { fencingToken: lock.fencingToken });
    resumeCount = await services.states.incrementResumeCount(sessionId);
  }
  const start: RunStart = {
    sessionId,
    resumed: existing !== null,
    fromStep: from.state.stepCount,
    fromSequence,
    fencingToken: lock.fencingToken,
    resumeCount,
  };
  return { start, from, emitter };
}

/** Null when the stream has already ended or failed: nothing more may be written to it. */
async function openEmitter(
  services: Services,
  sessionId: string,
  fromSequence: number,
  signal: AbortSignal,
  hooks: EmitHooks | undefined,
): Promise<ChunkEmitter | null> {
  const info = await services.streams.getInfo(sessionId);
  if (info !== null && info.status !== 'active') return null;
  return ChunkEmitter.open(services, sessionId, fromSequence, signal, hooks);
}

/** Takes the session lock (waiting up to `waitMs`) and runs the agent from its last checkpoint. */
export function startRun(services: Services, sessionId: string, request: RunRequest = {}): RunHandle {
  let onStart: (start: RunStart) => void = () => {};
  let onRefused: (error: unknown) => void = () => {};
  const started = new Promise<RunStart>((resolve, reject) => {
    onStart = resolve;
    onRefused = reject;
  });
  const finished = services.locks
    .withLock(
      sessionId,
      async (signal, lock) => {
        const { start, from, emitter } = await prepare(services, sessionId, request, lock, signal);
        onStart(start);
        try {
          return await runAgent({ services, sessionId, fencingToken: lock.fencingToken, emitter, signal }, from);
        } finally {
          await emitter.close();
        }
      },
      { ttlMs: services.lockTtlMs, waitMs: request.waitMs ?? 0, signal: request.signal },
    )
    .catch((error: unknown) => {
      onRefused(error); // no-op once started
      throw error;
    });
  return { started, finished };
}
