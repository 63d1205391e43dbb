import { Redis } from 'ioredis';
import type { ClusterNodeAddress } from '@redstate/testing';

interface NodeInfo {
  readonly id: string;
  readonly address: ClusterNodeAddress;
  readonly slots: number[];
}

async function clusterNodes(seed: ClusterNodeAddress): Promise<NodeInfo[]> {
  const client = new Redis(seed.port, seed.host);
  try {
    const text = String(await client.cluster('NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [id = '', addr = '', , , , , , , ...ranges] = line.split(' ');
        const [hostPort = ''] = addr.split('@');
        const i = hostPort.lastIndexOf(':');
        const slots: number[] = [];
        for (const r of ranges) {
          if (r.startsWith('[')) continue; // a slot already in migration
          const [a, b] = r.split('-').map(Number);
          if (a === undefined) continue;
          for (let s = a; s <= (b ?? a); s++) slots.push(s);
        }
        return { id, address: { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) }, slots };
      });
  } finally {
    client.disconnect();
  }
}

/**
 * Moves every slot that holds keys from the first master holding keys to another master, the way
 * `redis-cli --cluster reshard` does: IMPORTING/MIGRATING, MIGRATE the keys in batches,
 * then SETSLOT NODE on every master. Returns the number of slots moved.
 */
export async function reshardOccupiedSlots(seed: ClusterNodeAddress, shouldStop: () => boolean): Promise<number> {
  const nodes = await clusterNodes(seed);
  if (nodes.length < 2) throw new Error('resharding needs at least two masters');
  // The source is the first master holding keys: a package whose keys all share one fixed
  // hash tag (one slot) may live on any master, and its slot is the one worth moving.
  let from: NodeInfo | undefined;
  let occupied: number[] = [];
  for (const node of nodes) {
    const probe = new Redis(node.address.port, node.address.host);
    try {
      const counts = (await Promise.all(node.slots.map((s) => probe.cluster('COUNTKEYSINSLOT', s)))) as number[];
      occupied = node.slots.filter((_, i) => Number(counts[i]) > 0);
    } finally {
      probe.disconnect();
    }
    if (occupied.length > 0) {
      from = node;
      break;
    }
  }
  from ??= nodes[0];
  const to = nodes.find((n) => n !== from);
  if (!from || !to) throw new Error('resharding needs at least two masters');
  const source = new Redis(from.address.port, from.address.host);
  const target = new Redis(to.address.port, to.address.host);
  // SETSLOT NODE goes to the target first, then the source, then the rest.
  const others = nodes.filter((n) => n !== from && n !== to).map((n) => new Redis(n.address.port, n.address.host));
  const all = [target, source, ...others];
  let moved = 0;
  try {
    for (const slot of occupied) {
      if (shouldStop()) break;
      await target.cluster('SETSLOT', slot, 'IMPORTING', from.id);
      await source.cluster('SETSLOT', slot, 'MIGRATING', to.id);
      for (;;) {
        const keys = (await source.cluster('GETKEYSINSLOT', slot, 50)) as string[];
        if (keys.length === 0) break;
        await source.migrate(to.address.host, to.address.port, '', 0, 10_000, 'REPLACE', 'KEYS', ...keys);
      }
      for (const node of all) await node.cluster('SETSLOT', slot, 'NODE', to.id);
      moved++;
    }
  } finally {
    for (const c of all) c.disconnect();
  }
  return moved;
}
