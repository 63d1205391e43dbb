import type { ChainableCommander } from 'ioredis';
import { mapRedisError } from './script-errors.js';

/**
 * Runs an ioredis pipeline and returns each command's `[error, reply]`, with a failed or
 * closed connection turned into a typed error. Errors of single commands are left in place
 * for the caller (never swallowed: see {@link execPipeline}).
 */
export async function execPipelineSettled(pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw mapRedisError(error);
  }
  if (!replies) throw mapRedisError(new Error('Connection is closed: pipeline returned no replies'));
  return replies;
}

/**
 * Runs an ioredis pipeline (for commands `Batch` does not model, such as `hgetBuffer`) and
 * returns the replies in order; the first failed command throws its typed error.
 */
export async function execPipeline(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = await execPipelineSettled(pipeline);
  return replies.map(([error, value]) => {
    if (error) throw mapRedisError(error);
    return value;
  });
}
