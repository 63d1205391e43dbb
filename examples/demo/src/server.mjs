import { startRedis } from '@redstate/testing';

/** REDIS_URL when set; otherwise a throwaway local redis-server that is removed afterwards. */
export async function demoServer(log) {
  if (process.env.REDIS_URL) {
    log(`using REDIS_URL ${process.env.REDIS_URL}`);
  } else {
    log('REDIS_URL is not set: starting a throwaway redis-server');
  }
  const server = await startRedis();
  if (server.kind === 'local') log(`started redis-server on ${server.url} (AOF on, noeviction)`);
  return server;
}
