import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis } from '@redstate/testing';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `redstate` binary the way a user's shell does. */
async function redstate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('redstate CLI (built binary, real Redis)', () => {
  const redis = useTestRedis('cli');

  it('prints help for the tool and for every command', async () => {
    const general = await redstate(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('migrate');
    for (const command of ['migrate', 'inspect', 'status']) {
      const out = await redstate([command, '--help']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`Usage: redstate ${command}`);
    }
  });

  it('inspect reports version, mode, eviction and persistence, as text and as JSON', async () => {
    const text = await redstate(['inspect', '--url', redis.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Redis \d+\.\d+\.\d+ \(standalone/);
    expect(text.stdout).toContain('maxmemory-policy: noeviction');

    const json = await redstate(['inspect', '--url', redis.url, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { mode: string; maxmemoryPolicy: string; warnings: unknown[] };
    expect(report.mode).toBe('standalone');
    expect(report.maxmemoryPolicy).toBe('noeviction');
  });

  it('inspect warns with a fix on an evicting server and --strict exits 1', async () => {
    const evicting = await startRedis({ useEnv: false, args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const out = await redstate(['inspect', '--url', evicting.url, '--strict']);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain('warning EVICTION');
      expect(out.stdout).toContain('fix: set `maxmemory-policy noeviction`');
      expect((await redstate(['inspect', '--url', evicting.url])).code).toBe(0);
    } finally {
      await evicting.stop();
    }
  });

  it('reads REDIS_URL when --url is absent', async () => {
    const out = await redstate(['inspect', '--json'], { REDIS_URL: redis.url });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toHaveProperty('version');
  });

  it('rejects a bad URL with one clear line and exit 2, no stack trace', async () => {
    const out = await redstate(['inspect', '--url', 'http://example.com']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe('redstate: bad --url "http://example.com": the scheme must be redis:// or rediss://');
  });

  it('reports an unreachable server within the timeout, exit 2, no stack trace', async () => {
    const out = await redstate(['inspect', '--url', 'redis://127.0.0.1:1', '--timeout', '2000', '--json']);
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stderr)).toEqual({ error: expect.stringContaining('cannot reach Redis at redis://127.0.0.1:1') });
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects unknown commands, packages and options with exit 2', async () => {
    expect((await redstate(['frobnicate'])).code).toBe(2);
    expect((await redstate(['inspect', '--nope'])).stderr).toContain("Unknown option '--nope'");
    const unknownPackage = await redstate(['migrate', 'nosuch', '--url', redis.url]);
    expect(unknownPackage.code).toBe(2);
    expect(unknownPackage.stderr).toContain('unknown package "nosuch"');
  });
});
