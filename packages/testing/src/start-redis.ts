import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { HarnessError, INSTALL_HINT } from './harness-error.js';
import { findRedisServer, freePort, spawnRedis, waitForExit, waitForPing } from './processes.js';

export interface StartRedisOptions {
  /** Use `REDIS_URL` when it is set. Default true; fault tests that restart the server pass false. */
  readonly useEnv?: boolean;
  /** `appendonly yes` (default true). */
  readonly appendonly?: boolean;
  /** `appendfsync` policy (default `everysec`). */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '2mb']`. */
  readonly args?: readonly string[];
  /** Fall back to Docker through @testcontainers/redis when no binary is found. Default true. */
  readonly docker?: boolean;
}

export interface RedisServerHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `local` (a redis-server we spawned), `env` (REDIS_URL) or `docker`. */
  readonly kind: 'local' | 'env' | 'docker';
  /** A new ioredis connection to this server; the caller closes it. */
  connect(options?: RedisOptions): Redis;
  /** SIGKILL (default) or SIGTERM the server process. Local servers only. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts the server again on the same port and data dir (AOF is reloaded). Local servers only. */
  start(): Promise<void>;
  /** Graceful stop then start. Local servers only. */
  restart(): Promise<void>;
  /** Stops the server and removes its data dir (no-op for `env`). */
  stop(): Promise<void>;
}

function connectTo(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 3, ...options });
  client.on('error', () => {}); // tests assert on command results, not on the connection event stream
  return client;
}

/**
 * A real Redis for tests: `REDIS_URL` if set, else a throwaway `redis-server` from PATH
 * on a free port in a temp dir (AOF on), else Docker via @testcontainers/redis, else a
 * HarnessError saying how to get one.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  const envUrl = process.env.REDIS_URL;
  if (envUrl && options.useEnv !== false) return envServer(envUrl);
  const binary = findRedisServer();
  if (binary) return localServer(binary, options);
  if (options.docker !== false) {
    try {
      return await dockerServer();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new HarnessError(`${INSTALL_HINT}\n(Docker fallback failed: ${reason})`, { cause: error });
    }
  }
  throw new HarnessError(INSTALL_HINT);
}

function unsupported(what: string): () => Promise<never> {
  return () => Promise.reject(new HarnessError(`${what} needs a local redis-server the harness started (REDIS_URL servers cannot be restarted)`));
}

function envServer(url: string): RedisServerHandle {
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    kind: 'env',
    connect: (o) => connectTo(url, o),
    kill: unsupported('kill()'),
    start: unsupported('start()'),
    restart: unsupported('restart()'),
    stop: async () => {},
  };
}

async function localServer(binary: string, options: StartRedisOptions): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redstate-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendonly === false ? 'no' : 'yes',
    '--appendfsync', options.appendfsync ?? 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--protected-mode', 'no',
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const boot = async () => {
    const spawned = spawnRedis(binary, args);
    child = spawned.child;
    await waitForPing(port, spawned.child, spawned.output);
  };
  await boot();
  const url = `redis://127.0.0.1:${port}`;
  const halt = async (signal: 'SIGKILL' | 'SIGTERM') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await waitForExit(child);
  };
  return {
    url,
    host: '127.0.0.1',
    port,
    kind: 'local',
    connect: (o) => connectTo(url, o),
    kill: (signal = 'SIGKILL') => halt(signal),
    start: boot,
    restart: async () => {
      await halt('SIGTERM');
      await boot();
    },
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface StartedContainer {
  getHost(): string;
  getPort(): number;
  stop(): Promise<unknown>;
}

async function dockerServer(): Promise<RedisServerHandle> {
  const moduleName = '@testcontainers/redis';
  const mod = (await import(moduleName)) as {
    RedisContainer: new (image: string) => { withCommand(cmd: string[]): { start(): Promise<StartedContainer> } };
  };
  const container = await new mod.RedisContainer('redis:7')
    .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
    .start();
  const url = `redis://${container.getHost()}:${container.getPort()}`;
  return {
    url,
    host: container.getHost(),
    port: container.getPort(),
    kind: 'docker',
    connect: (o) => connectTo(url, o),
    kill: unsupported('kill()'),
    start: unsupported('start()'),
    restart: unsupported('restart()'),
    stop: async () => {
      await container.stop();
    },
  };
}
