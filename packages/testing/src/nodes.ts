import type { Cluster, Redis } from 'ioredis';

/** One connection as a server reports it in CLIENT LIST, and the server that reported it. */
export interface ServerConnection {
  /** The server (cluster node) that holds this connection: send CLIENT KILL there. */
  readonly node: Redis;
  readonly id: string;
  readonly name: string;
  /** The last command the connection ran, lower case (e.g. `xread` while it blocks). */
  readonly cmd: string;
  readonly line: string;
}

/** The servers a client talks to: itself, or every node of a cluster (connecting it first). */
export async function serversOf(client: Redis | Cluster): Promise<Redis[]> {
  if (!client.isCluster) return [client as Redis];
  const cluster = client as Cluster;
  if (cluster.nodes('all').length === 0) await cluster.ping();
  return cluster.nodes('all');
}

/**
 * Every key matching `pattern`, from one server or from every node of a cluster (KEYS and
 * SCAN on a Cluster client reach one random node). For test assertions only: it walks the
 * whole keyspace.
 */
export async function keysMatching(client: Redis | Cluster, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of await serversOf(client)) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const key of batch) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}

/** CLIENT LIST of one server or of every cluster node (CLIENT on a Cluster client reaches one node). */
export async function serverConnections(client: Redis | Cluster): Promise<ServerConnection[]> {
  const out: ServerConnection[] = [];
  for (const node of await serversOf(client)) {
    const list = String(await node.client('LIST'));
    for (const line of list.split('\n')) {
      if (!line.trim()) continue;
      const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
      out.push({ node, id: field('id'), name: field('name'), cmd: field('cmd'), line });
    }
  }
  return out;
}

/**
 * MONITOR connections on one server or on every cluster node, so a test sees every command a
 * client sends wherever it lands. The caller attaches `monitor` listeners and disconnects them.
 */
export async function monitorServers(client: Redis | Cluster): Promise<Redis[]> {
  return Promise.all((await serversOf(client)).map((node) => node.monitor()));
}
