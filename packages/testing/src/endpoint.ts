import { Cluster, Redis } from 'ioredis';
import { HarnessError } from './harness-error.js';
import type { ClusterNodeAddress } from './start-cluster.js';

const CLUSTER_SCHEME = 'redis-cluster://';

/** `redis-cluster://host:port,host:port`: how a test names a cluster to a subprocess. */
export function clusterEndpoint(nodes: readonly ClusterNodeAddress[]): string {
  return `${CLUSTER_SCHEME}${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/**
 * Connects to a test endpoint (`useTestRedis().endpoint`): a `redis://` URL gives a `Redis`,
 * `redis-cluster://host:port,...` a `Cluster`. For subprocesses of tests; the caller closes it.
 */
export function connectTo(endpoint: string): Redis | Cluster {
  if (!endpoint.startsWith(CLUSTER_SCHEME)) return new Redis(endpoint);
  const nodes = endpoint
    .slice(CLUSTER_SCHEME.length)
    .split(',')
    .map((address) => {
      const i = address.lastIndexOf(':');
      const port = Number(address.slice(i + 1));
      if (i <= 0 || !Number.isInteger(port)) throw new HarnessError(`bad cluster endpoint ${JSON.stringify(endpoint)}`);
      return { host: address.slice(0, i), port };
    });
  return new Cluster(nodes);
}
