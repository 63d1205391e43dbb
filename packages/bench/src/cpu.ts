import type { Redis } from 'ioredis';

/** CPU seconds redis-server has used so far (user + system, all of its threads; INFO cpu). */
export async function serverCpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info);
    if (!match) throw new Error(`INFO cpu has no ${name}`);
    return Number(match[1]);
  };
  return field('used_cpu_user') + field('used_cpu_sys');
}
