import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from '@redstate/core';
import { CliError, EXIT_USAGE } from './cli-error.js';

export interface ConnectOptions {
  readonly url: string;
  /** Treat the URL as one seed node of a Redis Cluster. */
  readonly cluster: boolean;
  readonly timeoutMs: number;
}

function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`bad --url ${JSON.stringify(url)}: expected redis://[user:password@]host[:port][/db]`, EXIT_USAGE);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CliError(`bad --url ${JSON.stringify(url)}: the scheme must be redis:// or rediss://`, EXIT_USAGE);
  }
  return parsed;
}

function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}

/**
 * Opens a connection that fails fast: no reconnect loop and no offline queue, so an
 * unreachable server is reported within `timeoutMs` instead of hanging.
 */
export async function connect(options: ConnectOptions): Promise<RedisClient> {
  const url = parseRedisUrl(options.url);
  const common = {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  };
  let client: RedisClient;
  if (options.cluster) {
    const port = Number(url.port || 6379);
    client = new Cluster([{ host: url.hostname, port }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      redisOptions: {
        ...common,
        username: url.username ? decodeURIComponent(url.username) : undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        tls: url.protocol === 'rediss:' ? {} : undefined,
      },
    });
  } else {
    client = new Redis(url.href, common);
  }
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error; // reported by connect() below, with the root cause rather than "Connection is closed"
  });
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs).unref();
  });
  try {
    await Promise.race([client.connect(), timer]);
    await Promise.race([client.ping(), timer]);
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new CliError(`cannot reach Redis at ${redactedUrl(url)}: ${reason}`, EXIT_USAGE);
  }
  return client;
}
