// A worker process that runs one session, for the crash demo:
//   REDIS_URL=... SESSION_ID=s1 PROMPT='...' HANG_AFTER_SEQUENCE=7 node src/worker.ts
// With HANG_AFTER_SEQUENCE it stops making progress after writing that stream sequence (its
// lock keeps being refreshed) so you can `kill -9` it mid-step, or `kill -STOP` it until its
// lease runs out, then `kill -CONT` it and press Enter (a line on stdin) to let the now stale
// worker carry on. Prints one JSON line per event.
import { Redis } from 'ioredis';
import { startRun } from './run-session.ts';
import { createServices } from './services.ts';

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

function say(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const url = process.env.REDIS_URL;
  const sessionId = process.env.SESSION_ID;
  if (!url || !sessionId) throw new Error('set REDIS_URL and SESSION_ID');
  const hangAfter = envInt('HANG_AFTER_SEQUENCE');
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  const services = createServices(client, process.env.EXAMPLE_PREFIX ?? 'helix-example', { lockTtlMs: envInt('LOCK_TTL_MS') });
  try {
    const run = startRun(services, sessionId, {
      prompt: process.env.PROMPT,
      waitMs: envInt('WAIT_MS'),
      hooks: {
        afterWrite: async (sequence) => {
          if (sequence !== hangAfter) return;
          say({ event: 'hanging', sequence });
          await new Promise<void>((resume) =>
            process.stdin.once('data', () => {
              process.stdin.destroy();
              resume();
            }),
          );
        },
      },
    });
    say({ event: 'started', ...(await run.started) });
    say({ event: 'finished', ...(await run.finished) });
  } finally {
    await services.close();
    await client.quit().catch(() => client.disconnect());
  }
}

main().catch((error: unknown) => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  say({ event: 'failed', code, message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
