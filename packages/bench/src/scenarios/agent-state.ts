import { type AgentStateInput, type Message, RedisResumableStorage, RedisStateStore, type StreamChunk } from '@redstate/agent-state';
import { createResumableStreamContext } from 'resumable-stream/ioredis';
import { measure, measureInterleaved } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

const SESSIONS = 1000;
/** Chunks per streamed response in the append + resume scenario. */
const CHUNKS = 20;
/** The two stream subjects alternate in this many rounds; each row is the median round. */
const STREAM_ROUNDS = 5;

const history: Message[] = [
  { role: 'system', content: 'You are a careful planner.' },
  { role: 'user', content: 'Plan a three-day trip to Lisbon.' },
];

function state(sessionId: string, i: number): AgentStateInput {
  return {
    sessionId,
    agentType: 'planner',
    status: 'running',
    stepCount: i,
    customState: { plan: ['flights', 'hotel', 'museums'], budget: 1200, cursor: i },
    messages: history,
    metadata: { tenant: 'acme' },
  };
}

function chunk(n: number): StreamChunk {
  return { type: 'text-delta', delta: `token ${n} of the streamed answer `, agentType: 'planner' };
}

/** The same chunk as resumable-stream carries it: a string (an SSE line). */
function line(n: number): string {
  return `data: ${JSON.stringify(chunk(n))}\n\n`;
}

async function readAll(stream: ReadableStream<string>): Promise<string> {
  let text = '';
  for await (const part of stream) text += part;
  return text;
}

/** A source stream whose chunks the test pushes by hand, like tokens arriving from a model. */
function manualSource(): { stream: ReadableStream<string>; push(s: string): void; close(): void } {
  let controller!: ReadableStreamDefaultController<string>;
  const stream = new ReadableStream<string>({
    start(c) {
      controller = c;
    },
  });
  return { stream, push: (s) => controller.enqueue(s), close: () => controller.close() };
}

/**
 * Agent session state (no peer library stores it) and streamed output: a response of 20
 * chunks written, then read back in full by a client resuming from the start, against
 * vercel's `resumable-stream` (ioredis adapter) on the same server.
 */
export const agentState: Scenario = {
  name: 'agent-state',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const client = ctx.connect();
    const store = new RedisStateStore({ client, keyPrefix: ctx.prefix('agent') });
    await store.ensureSchema();

    const save = await bytesPerRecord(ctx.admin, SESSIONS, () =>
      measure(ctx.admin, ctx.port, {
        ...opts,
        op: (i) => store.saveState(`s-${i % SESSIONS}`, state(`s-${i % SESSIONS}`, i)),
      }),
    );
    results.push({
      scenario: 'agent saveState',
      subject: 'redstate',
      measurement: save.value,
      bytesPerRecord: save.bytes,
      note: 'bytes per session, with its checkpoints',
    });
    const load = await measure(ctx.admin, ctx.port, {
      ...opts,
      op: async (i) => {
        if (!(await store.loadState(`s-${i % SESSIONS}`))) throw new Error('session not found');
      },
    });
    results.push({ scenario: 'agent loadState', subject: 'redstate', measurement: load });
    const append = await measure(ctx.admin, ctx.port, {
      ...opts,
      op: (i) => store.appendMessages(`s-${i % SESSIONS}`, [{ role: 'assistant', content: `step ${i} done` }]),
    });
    results.push({ scenario: 'agent appendMessages (1 message)', subject: 'redstate', measurement: append });

    const scenario = `stream ${CHUNKS} chunks + resume from start`;
    const storage = new RedisResumableStorage({ client, keyPrefix: ctx.prefix('agent-streams') });
    // resumable-stream keeps chunks in the producer's memory and replays them over pub/sub to a
    // client that resumes while the producer is alive: its README's ioredis setup.
    const peerContext = createResumableStreamContext({
      waitUntil: null,
      keyPrefix: ctx.prefix('resumable-stream'),
      publisher: ctx.connect(),
      subscriber: ctx.connect(),
    });
    const expected = Array.from({ length: CHUNKS }, (_, n) => line(n + 1)).join('');
    // Every op streams under a fresh id (the sequence numbers of interleaved rounds overlap).
    let ourStreams = 0;
    let peerStreams = 0;
    const streams = await measureInterleaved(
      ctx.admin,
      ctx.port,
      [
        {
          name: 'redstate',
          op: async () => {
            const id = `stream-${ourStreams++}`;
            await storage.create(id);
            // Like the peer's producer, push every chunk without waiting for the previous one:
            // one connection keeps them in order, and each append is still one atomic script.
            await Promise.all(Array.from({ length: CHUNKS }, (_, n) => storage.append(id, chunk(n + 1), n + 1)));
            await storage.end(id);
            const read = await storage.readFrom(id, 0);
            if (read.length !== CHUNKS) throw new Error(`resumed ${read.length} chunks, expected ${CHUNKS}`);
          },
        },
        {
          name: 'resumable-stream',
          op: async () => {
            const id = `stream-${peerStreams++}`;
            const source = manualSource();
            const produced = await peerContext.createNewResumableStream(id, () => source.stream);
            if (!produced) throw new Error('resumable-stream did not create the stream');
            const producerRead = readAll(produced);
            for (let n = 1; n <= CHUNKS; n++) source.push(line(n));
            const resumed = await peerContext.resumeExistingStream(id);
            if (!resumed) throw new Error('resumable-stream could not resume');
            const resumedRead = readAll(resumed);
            source.close();
            const [first, second] = await Promise.all([producerRead, resumedRead]);
            if (first !== expected || second !== expected) throw new Error('resumable-stream returned different text');
          },
        },
      ],
      { ops: Math.ceil(ctx.ops / 10), concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 100), rounds: STREAM_ROUNDS },
    );
    const streamResult = (name: string) => {
      const m = streams.get(name);
      if (!m) throw new Error(`no measurement for ${name}`);
      return m;
    };
    results.push({ scenario, subject: 'redstate', measurement: streamResult('redstate'), note: 'durable Redis stream: create + 20 pipelined appends + end + one read' });
    results.push({ scenario, subject: 'resumable-stream', measurement: streamResult('resumable-stream'), note: 'not durable: chunks live in the producer process' });
    return results;
  },
};
