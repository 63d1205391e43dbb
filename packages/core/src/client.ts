import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ServerConfigError, ValidationError } from './errors.js';

/** What every redstate constructor accepts: the user's own ioredis client. */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * The connection of every master: the client itself, or a Cluster's masters. A Cluster client
 * learns its masters when it connects (before that the list is empty), so this connects first.
 */
export async function masterNodes(client: RedisClient): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  if (client.nodes('master').length === 0) await client.ping();
  const masters = client.nodes('master');
  if (masters.length === 0) throw new ServerConfigError('the cluster client knows no master nodes');
  return masters;
}

export function isRedisClient(value: unknown): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster || looksLikeIoredis(value);
}

// A second copy of ioredis in node_modules fails `instanceof`; fall back to its shape.
function looksLikeIoredis(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.evalsha === 'function' && typeof v.pipeline === 'function' && typeof v.duplicate === 'function';
}

/** A client plus whether we created it (and so must close it). */
export interface ClientHandle {
  readonly client: RedisClient;
  readonly owned: boolean;
  close(): Promise<void>;
}

/**
 * Accepts a client (never closed by us), a redis:// URL or ioredis options
 * (we own that connection and close it in `close()`).
 */
export function resolveClient(source: RedisClient | RedisOptions | string): ClientHandle {
  if (isRedisClient(source)) {
    return { client: source, owned: false, close: async () => {} };
  }
  let client: Redis;
  if (typeof source === 'string') {
    client = new Redis(source);
  } else if (typeof source === 'object' && source !== null) {
    client = new Redis(source);
  } else {
    throw new ValidationError('expected an ioredis client, a redis:// URL or ioredis options');
  }
  return {
    client,
    owned: true,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
