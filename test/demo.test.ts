import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('pnpm demo', () => {
  it('runs end to end against a real Redis and reports ok', async () => {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, '..', 'examples/demo/src/main.mjs')], {
      env: { ...process.env, REDIS_URL: inject('redstate:redisUrl') },
      timeout: 60_000,
    });
    expect(stdout).toContain('zombie write refused: StaleFencingTokenError');
    expect(stdout).toContain('7 chunks resumed after the crash');
    expect(stdout).toContain('approval               resolved: approve');
    expect(stdout.trim().endsWith('result: ok')).toBe(true);
  }, 90_000);
});
