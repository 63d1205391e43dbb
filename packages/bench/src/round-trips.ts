import type { Redis } from 'ioredis';

/** Total commands the server has executed (INFO commandstats), not counting INFO itself. */
export async function commandsExecuted(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match && match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}
