// The agent loop: one model turn per step. Each step streams its chunks, records its usage
// and then saves messages, state and a checkpoint in one fenced write, so a step either
// fully counts or is redone from the previous checkpoint.
import type { AgentStateInput, Message } from '@redstate/agent-state';
import type { ChunkEmitter } from './chunk-emitter.ts';
import { fakeModel, runTool } from './fake-model.ts';
import type { Services } from './services.ts';

export const AGENT_TYPE = 'helix-demo';

export interface SessionCustomState {
  [key: string]: string | number;
  prompt: string;
  /** Stream sequence of the last chunk of the checkpointed step. */
  streamSequence: number;
}

/** Where a run starts: the state of a checkpoint and the messages it covers. */
export interface ResumePoint {
  readonly state: Omit<AgentStateInput, 'messages'> & { customState: SessionCustomState };
  readonly messages: Message[];
}

export interface AgentRun {
  readonly services: Services;
  readonly sessionId: string;
  readonly fencingToken: number;
  readonly emitter: ChunkEmitter;
  readonly signal: AbortSignal;
}

export interface AgentOutcome {
  readonly steps: number;
  readonly output: string;
}

async function recordUsage(run: AgentRun, step: number, turn: ReturnType<typeof fakeModel>): Promise<void> {
  const base = { sessionId: run.sessionId, stepCount: step, source: { type: 'agent', name: AGENT_TYPE } } as const;
  // Stable ids: a step redone after a crash records nothing twice.
  await run.services.usage.recordEntry({
    ...base,
    id: `step-${step}-tokens`,
    kind: 'tokens',
    model: turn.model,
    tokens: turn.tokens,
  });
  if (turn.toolCall) {
    await run.services.usage.recordEntry({
      ...base,
      id: `step-${step}-tool`,
      kind: 'tool',
      toolName: turn.toolCall.name,
      success: true,
      durationMs: 0,
    });
  }
}

export async function runAgent(run: AgentRun, from: ResumePoint): Promise<AgentOutcome> {
  const { emitter, sessionId, signal } = run;
  const messages = [...from.messages];
  let state = from.state;
  let output = '';
  for (let step = state.stepCount + 1; ; step++) {
    signal.throwIfAborted();
    const turn = fakeModel(state.customState.prompt, step);
    await emitter.emit({ type: 'step_start', chunkId: `s${step}:start`, step });
    for (const [i, delta] of turn.deltas.entries()) {
      await emitter.emit({ type: 'text_delta', chunkId: `s${step}:d${i}`, step, delta });
    }
    const text = turn.deltas.join('');
    messages.push(
      turn.toolCall
        ? { role: 'assistant', content: text, toolCalls: [{ id: turn.toolCall.id, name: turn.toolCall.name, args: turn.toolCall.args }] }
        : { role: 'assistant', content: text },
    );
    if (turn.toolCall) {
      const call = turn.toolCall;
      await emitter.emit({ type: 'tool_call', chunkId: `s${step}:tool-call`, step, toolCallId: call.id, toolName: call.name, args: call.args });
      const result = runTool(call);
      await emitter.emit({ type: 'tool_result', chunkId: `s${step}:tool-result`, step, toolCallId: call.id, result });
      messages.push({ role: 'tool', toolCallId: call.id, content: JSON.stringify(result) });
    }
    await emitter.emit({ type: 'step_finish', chunkId: `s${step}:finish`, step, tokens: turn.tokens });
    await recordUsage(run, step, turn);
    if (turn.done) output = text;
    state = {
      ...state,
      stepCount: step,
      status: turn.done ? 'completed' : 'running',
      customState: { ...state.customState, streamSequence: emitter.lastSequence },
      ...(turn.done ? { output } : {}),
    };
    signal.throwIfAborted();
    await run.services.states.saveState(sessionId, { ...state, messages }, { fencingToken: run.fencingToken, checkpoint: 'always' });
    if (turn.done) break;
  }
  await finishStream(run.services, sessionId, emitter, output);
  return { steps: state.stepCount, output };
}

/** Last chunk and end marker; safe to repeat (the chunk is written once, ending twice is a no-op). */
export async function finishStream(services: Services, sessionId: string, emitter: ChunkEmitter, output: string): Promise<void> {
  await emitter.emit({ type: 'run_finish', chunkId: 'run:finish', output });
  await services.streams.endStream(sessionId);
}
