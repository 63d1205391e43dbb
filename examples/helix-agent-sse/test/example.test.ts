import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onClusterTarget, useTestRedis } from '@redstate/testing/vitest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectedText, STEP_COUNT } from '../src/fake-model.ts';
import { AgentServer, listen, type SessionView } from '../src/server.ts';
import { createServices, type Services } from '../src/services.ts';
import { readSse, type SseMessage } from './sse-client.ts';

const PROMPT = 'plan a weekend trip to Lisbon';
// Chunks of a run on PROMPT: step 1 = start, 9 deltas, tool call, tool result, finish (13);
// step 2 = start, 8 deltas, finish (10); step 3 = start, 7 deltas, finish (9); run_finish.
const TOTAL_CHUNKS = 13 + 10 + 9 + 1;
const expectedMessages = [
  { role: 'user', content: PROMPT },
  {
    role: 'assistant',
    content: 'Let me count the words of your request first.',
    toolCalls: [{ id: 'call-count-words', name: 'count_words', args: { text: PROMPT } }],
  },
  { role: 'tool', toolCallId: 'call-count-words', content: '{"words":6}' },
  { role: 'assistant', content: 'Your request has 6 words. Reading it backwards:' },
  { role: 'assistant', content: 'Lisbon to trip weekend a plan. Done.' },
];

const src = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const chunksOf = (messages: readonly SseMessage[]) => messages.filter((m) => m.event === 'message');
const idsOf = (messages: readonly SseMessage[]) => chunksOf(messages).map((m) => m.id);
const textOf = (messages: readonly SseMessage[]) =>
  chunksOf(messages)
    .map((m) => m.data as { type: string; delta?: string })
    .filter((c) => c.type === 'text_delta')
    .map((c) => c.delta)
    .join('');

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function getSession(url: string): Promise<{ status: number; body: SessionView }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as SessionView };
}

/** A child process's stdout as JSON lines; its stderr is kept for error messages. */
function jsonLinesOf(child: ChildProcess): () => Promise<Record<string, unknown>> {
  if (!child.stdout || !child.stderr) throw new Error('spawn the child with piped stdout and stderr');
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await lines.next();
    if (!done) return JSON.parse(value) as Record<string, unknown>;
    const [code, signal] = await exited;
    throw new Error(`child process ended early (code ${code}, signal ${signal}):\n${stderr}`);
  };
}

describe('the Helix agent SSE example', () => {
  const redis = useTestRedis('helix-sse');
  const children: ChildProcess[] = [];
  const apps: { app: AgentServer; services: Services }[] = [];

  async function startServer(lockTtlMs?: number): Promise<{ base: string; app: AgentServer; services: Services; prefix: string }> {
    const prefix = redis.newPrefix();
    const services = createServices(redis.connect(), prefix, { lockTtlMs, blockTimeoutMs: 1_000 });
    const app = new AgentServer(services);
    app.onRunError = (sessionId, error) => {
      throw new Error(`run of ${sessionId} failed: ${String(error)}`);
    };
    apps.push({ app, services });
    return { base: await listen(app), app, services, prefix };
  }

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const { app, services } of apps) {
      await app.close();
      await services.close();
    }
  });

  it('runs a session: SSE delivers every chunk once with id = sequence, and state, checkpoints and usage are persisted', async () => {
    const { base, app, services } = await startServer();
    const started = await post(`${base}/sessions/trip-1/run`, { prompt: PROMPT });
    expect(started).toEqual({
      status: 202,
      body: { sessionId: 'trip-1', resumed: false, fromStep: 0, fromSequence: 0, fencingToken: 1, resumeCount: 0, events: '/sessions/trip-1/events' },
    });

    // Connected while the run is going: replays what exists, then follows live, then ends.
    const sse = await readSse(`${base}/sessions/trip-1/events`);
    expect(sse.status).toBe(200);
    expect(sse.closedByServer).toBe(true);
    expect(idsOf(sse.messages)).toEqual(range(1, TOTAL_CHUNKS));
    expect(sse.messages.at(-1)).toEqual({ id: undefined, event: 'end', data: { status: 'ended', lastEventId: TOTAL_CHUNKS } });
    expect(textOf(sse.messages)).toBe(expectedText(PROMPT));
    const chunks = chunksOf(sse.messages).map((m) => m.data as Record<string, unknown>);
    expect(chunks.map((c) => c.type).filter((t) => t !== 'text_delta')).toEqual([
      'step_start', 'tool_call', 'tool_result', 'step_finish',
      'step_start', 'step_finish',
      'step_start', 'step_finish',
      'run_finish',
    ]);
    expect(chunks.at(-1)).toMatchObject({ output: 'Lisbon to trip weekend a plan. Done.', agentId: 'helix-demo' });
    await app.running.get('trip-1');

    const { status, body } = await getSession(`${base}/sessions/trip-1`);
    expect(status).toBe(200);
    expect(body.state).toMatchObject({
      status: 'completed',
      stepCount: STEP_COUNT,
      resumeCount: 0,
      output: 'Lisbon to trip weekend a plan. Done.',
      customState: { prompt: PROMPT, streamSequence: TOTAL_CHUNKS - 1 },
    });
    expect(body.state.messages).toEqual(expectedMessages);
    expect(body.stream).toMatchObject({ status: 'ended', lastSequence: TOTAL_CHUNKS });
    expect(body.lock).toBeNull();
    expect(body.latestCheckpoint).toMatchObject({ stepCount: 3, messageCount: 5 });
    expect(body.usage).toMatchObject({
      entryCount: 4,
      maxStep: 3,
      tokens: { calls: 3, completion: 9 + 8 + 7 },
      tools: { calls: 1, successes: 1, byTool: { count_words: { calls: 1 } } },
    });

    // One checkpoint per step plus the initial one, each covering the messages up to it.
    const { checkpoints } = await services.states.listCheckpoints('trip-1');
    expect(checkpoints.map((c) => [c.stepCount, c.messageCount, c.state.customState.streamSequence])).toEqual([
      [3, 5, 32],
      [2, 4, 23],
      [1, 3, 13],
      [0, 1, 0],
    ]);
  });

  it('resumes after Last-Event-ID (header or ?lastEventId=) without gaps or duplicates, and rejects bad input', async () => {
    const { base, app } = await startServer();
    expect((await post(`${base}/sessions/trip-2/run`, { prompt: PROMPT })).status).toBe(202);
    await app.running.get('trip-2');

    const byHeader = await readSse(`${base}/sessions/trip-2/events`, { lastEventId: 20 });
    expect(idsOf(byHeader.messages)).toEqual(range(21, TOTAL_CHUNKS));
    const byQuery = await readSse(`${base}/sessions/trip-2/events?lastEventId=20`);
    expect(byQuery.messages).toEqual(byHeader.messages);
    // The header wins over the query (it is what EventSource sends on reconnect).
    const both = await readSse(`${base}/sessions/trip-2/events?lastEventId=3`, { lastEventId: 30 });
    expect(idsOf(both.messages)).toEqual([31, 32, 33]);
    const atEnd = await readSse(`${base}/sessions/trip-2/events`, { lastEventId: TOTAL_CHUNKS });
    expect(atEnd.messages).toEqual([{ id: undefined, event: 'end', data: { status: 'ended', lastEventId: TOTAL_CHUNKS } }]);
    const all = await readSse(`${base}/sessions/trip-2/events?lastEventId=0`);
    expect([...chunksOf(all.messages).slice(0, 20), ...chunksOf(byHeader.messages)]).toEqual(chunksOf(all.messages));

    expect((await readSse(`${base}/sessions/trip-2/events`, { lastEventId: 'abc' })).status).toBe(400);
    expect((await readSse(`${base}/sessions/trip-2/events?lastEventId=-1`)).status).toBe(400);
    expect((await readSse(`${base}/sessions/nobody/events`)).status).toBe(404);
    expect((await getSession(`${base}/sessions/nobody`)).status).toBe(404);

    // A completed session is not run again; a new one needs a prompt; nothing is written for either.
    expect(await post(`${base}/sessions/trip-2/run`, {})).toMatchObject({ status: 409 });
    expect(await post(`${base}/sessions/empty/run`, {})).toMatchObject({ status: 400 });
    expect(await post(`${base}/sessions/empty/run`, { prompt: 42 })).toMatchObject({ status: 400 });
    expect(await post(`${base}/sessions/empty/run`, { prompt: 'x', waitMs: -1 })).toMatchObject({ status: 400 });
    const badJson = await fetch(`${base}/sessions/empty/run`, { method: 'POST', body: '{nope' });
    expect(badJson.status).toBe(400);
    expect((await getSession(`${base}/sessions/empty`)).status).toBe(404);
    expect((await fetch(`${base}/sessions/trip-2/run`)).status).toBe(405);
  });

  // The worker process gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('survives a worker killed mid-step: the run resumes from the last checkpoint and SSE clients get every chunk exactly once', async () => {
    const { base, app, services, prefix } = await startServer(1_000);
    const sessionId = 'crash/1: ünïcode';
    // The worker's lease (3 s, refreshed every second) must outlive a busy CI machine's hiccups
    // while it hangs; after SIGKILL the resume waits for it to run out.
    const path = `${base}/sessions/${encodeURIComponent(sessionId)}`;
    // Sequence 17 is the third delta of step 2: step 1 is checkpointed (at sequence 13), step 2 is half streamed.
    const worker = spawn(process.execPath, [src('worker.ts')], {
      env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_PREFIX: prefix, SESSION_ID: sessionId, PROMPT, LOCK_TTL_MS: '3000', HANG_AFTER_SEQUENCE: '17' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(worker);
    const nextJson = jsonLinesOf(worker);
    const first = await nextJson();
    expect(first).toMatchObject({ event: 'started', resumed: false, fencingToken: 1 });
    expect(await nextJson()).toEqual({ event: 'hanging', sequence: 17 });

    // Client A stays connected through the crash; client B drops after event 17 and reconnects later.
    const clientA = readSse(`${path}/events`);
    const clientB1 = await readSse(`${path}/events`, { stopWhen: (m) => m.id === 17 });
    expect(idsOf(clientB1.messages)).toEqual(range(1, 17));

    // The worker still holds the lock: a second run is refused.
    expect(await post(`${path}/run`, {})).toMatchObject({ status: 409 });
    const during = (await getSession(path)).body;
    expect(during.state).toMatchObject({ status: 'running', stepCount: 1, resumeCount: 0 });
    expect(during.latestCheckpoint).toMatchObject({ stepCount: 1, messageCount: 3 });
    expect(during.stream).toMatchObject({ status: 'active', lastSequence: 17 });
    expect(during.lock).toMatchObject({ fencingToken: 1 });

    worker.kill('SIGKILL');
    await once(worker, 'exit');

    // Resume: waits for the dead worker's lease to run out, then continues from the step-1 checkpoint.
    const resumed = await post(`${path}/run`, { waitMs: 15_000 });
    expect(resumed).toMatchObject({
      status: 202,
      body: { sessionId, resumed: true, fromStep: 1, fromSequence: 13, fencingToken: 2, resumeCount: 1 },
    });
    const clientB2 = await readSse(`${path}/events`, { lastEventId: 17 });
    await app.running.get(sessionId);

    expect(idsOf(clientB2.messages)).toEqual(range(18, TOTAL_CHUNKS));
    const clientB = [...chunksOf(clientB1.messages), ...chunksOf(clientB2.messages)];
    const a = await clientA;
    expect(chunksOf(a.messages)).toEqual(clientB);
    for (const received of [clientB, chunksOf(a.messages)]) {
      expect(received.map((m) => m.id)).toEqual(range(1, TOTAL_CHUNKS));
      const chunkIds = received.map((m) => (m.data as { chunkId: string }).chunkId);
      expect(new Set(chunkIds).size).toBe(TOTAL_CHUNKS); // the redone step did not repeat s2:start .. s2:d2
      expect(textOf(received)).toBe(expectedText(PROMPT));
    }
    expect(a.messages.at(-1)).toMatchObject({ event: 'end' });

    const after = (await getSession(path)).body;
    expect(after.state).toMatchObject({ status: 'completed', stepCount: STEP_COUNT, resumeCount: 1 });
    expect(after.state.messages).toEqual(expectedMessages);
    expect(after.usage).toMatchObject({ entryCount: 4, tokens: { calls: 3 }, tools: { calls: 1 } });
    expect(after.stream).toMatchObject({ status: 'ended', lastSequence: TOTAL_CHUNKS });

    // The killed worker's token is now stale: had it been paused instead of killed, its writes would bounce.
    const stale = await services.states
      .appendMessages(sessionId, [{ role: 'assistant', content: 'zombie' }], { fencingToken: 1 })
      .catch((error: unknown) => error);
    expect(stale).toMatchObject({ code: 'STALE_FENCING_TOKEN' });
    expect((await services.states.getMessages(sessionId)).messages).toEqual(expectedMessages);
  });

  // The worker process gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('fences a worker that was paused past its lease: the run that took over wins, the stale worker writes nothing', async () => {
    const { base, app, services, prefix } = await startServer(1_000);
    const sessionId = 'paused-1';
    const path = `${base}/sessions/${sessionId}`;
    // Sequence 13 is step 1's last chunk: the worker has streamed the whole step but not checkpointed it.
    const worker = spawn(process.execPath, [src('worker.ts')], {
      env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_PREFIX: prefix, SESSION_ID: sessionId, PROMPT, LOCK_TTL_MS: '1000', HANG_AFTER_SEQUENCE: '13' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(worker);
    const nextJson = jsonLinesOf(worker);
    expect(await nextJson()).toMatchObject({ event: 'started', fencingToken: 1 });
    expect(await nextJson()).toEqual({ event: 'hanging', sequence: 13 });

    worker.kill('SIGSTOP'); // a long GC pause or a partition: no lock refresh any more
    const resumed = await post(`${path}/run`, { waitMs: 15_000 });
    expect(resumed).toMatchObject({ status: 202, body: { resumed: true, fromStep: 0, fromSequence: 0, fencingToken: 2 } });
    const sse = await readSse(`${path}/events`);
    await app.running.get(sessionId);
    const before = await services.states.loadState(sessionId);

    worker.kill('SIGCONT');
    worker.stdin?.end('continue\n'); // the stale worker carries on with step 1's checkpoint
    const failed = await nextJson();
    expect(failed).toMatchObject({ event: 'failed' });
    // Either its lock refresh noticed the loss first (LOCK_LOST) or its fenced save was refused.
    expect(['LOCK_LOST', 'STALE_FENCING_TOKEN']).toContain(failed.code);

    // The step the paused worker had streamed was not streamed again by the run that took over.
    expect(idsOf(sse.messages)).toEqual(range(1, TOTAL_CHUNKS));
    expect(textOf(sse.messages)).toBe(expectedText(PROMPT));
    const after = await services.states.loadState(sessionId);
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'completed', stepCount: STEP_COUNT, resumeCount: 1, messages: expectedMessages });
    expect(await services.usage.getEntryCount(sessionId)).toBe(4);
  });

  // The entry point gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('the entry point starts the server on REDIS_URL and prints curl commands', async () => {
    const prefix = redis.newPrefix();
    const main = spawn(process.execPath, [src('main.ts')], {
      env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_PREFIX: prefix, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(main);
    if (!main.stdout) throw new Error('no stdout');
    const lines = createInterface({ input: main.stdout })[Symbol.asyncIterator]();
    const printed: string[] = [];
    let base = '';
    while (!printed.at(-1)?.startsWith('Ctrl-C')) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`main.ts ended early:\n${printed.join('\n')}`);
      printed.push(value);
      base = /Listening on (\S+)/.exec(value)?.[1] ?? base;
    }
    expect(printed.join('\n')).toContain(`curl -N ${base}/sessions/demo/events -H 'Last-Event-ID: 5'`);
    expect((await post(`${base}/sessions/demo/run`, { prompt: PROMPT })).status).toBe(202);
    const sse = await readSse(`${base}/sessions/demo/events`);
    expect(idsOf(sse.messages)).toEqual(range(1, TOTAL_CHUNKS));

    main.kill('SIGTERM');
    const [code] = await once(main, 'exit');
    expect(code).toBe(0);
    const services = createServices(redis.client, prefix);
    expect(await services.states.loadState('demo')).toMatchObject({ status: 'completed', stepCount: STEP_COUNT });
  });
});
