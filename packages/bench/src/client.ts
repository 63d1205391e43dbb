import type { Redis } from 'ioredis';
import { Redis as Redis5 } from 'ioredis5';

// Every subject of a scenario gets the same client library: ioredis 5.11.1, the version
// @pikku/redis bundles (it only accepts its own client class). ioredis 6 is markedly slower
// per command on this machine, so mixing versions would measure the client, not the store.
// Our packages accept any ioredis >= 5.4.
export const CLIENT_LIBRARY = 'ioredis 5.11.1';

export function connectClient(url: string): Redis {
  const client = new Redis5(url, { maxRetriesPerRequest: 3 });
  client.on('error', () => {});
  return client as unknown as Redis;
}
