import { createHash } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './client.js';
import { ValidationError } from './errors.js';
import { mapRedisError, type ScriptErrorMap } from './script-errors.js';

export type ScriptArg = string | number | Buffer;

/** What the Lua generator emits for each `src/lua/<name>-<keys>.lua` file. */
export interface ScriptSource {
  readonly name: string;
  /** How many keys every call passes, or `variadic` (`<name>-n.lua`): any number, at least one. */
  readonly keys: number | 'variadic';
  readonly lua: string;
}

export interface ScriptDefinition<Reply> extends ScriptSource {
  /** Turns the raw reply into the typed result; throws CorruptDataError on a bad shape. */
  readonly reply: (raw: unknown) => Reply;
  /** Package-specific `RSERR` codes, on top of the core ones. */
  readonly errors?: ScriptErrorMap;
}

export function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A Lua script with a fixed key count. Runs with EVALSHA and falls back to EVAL on
 * NOSCRIPT (after a restart, failover or SCRIPT FLUSH). Never registers commands on
 * the user's client.
 */
export class Script<Reply> {
  readonly name: string;
  readonly keys: number | 'variadic';
  readonly lua: string;
  readonly sha: string;
  private readonly replyParser: (raw: unknown) => Reply;
  private readonly errors: ScriptErrorMap;

  constructor(definition: ScriptDefinition<Reply>) {
    this.name = definition.name;
    this.keys = definition.keys;
    this.lua = definition.lua;
    this.sha = createHash('sha1').update(definition.lua).digest('hex');
    this.replyParser = definition.reply;
    this.errors = definition.errors ?? {};
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly ScriptArg[] = []): Promise<Reply> {
    const argv = this.argv(keys, args);
    let raw: unknown;
    try {
      raw = await client.evalsha(this.sha, keys.length, ...argv);
    } catch (error) {
      if (!isNoScriptError(error)) throw this.mapError(error);
      try {
        raw = await client.eval(this.lua, keys.length, ...argv);
      } catch (retryError) {
        throw this.mapError(retryError);
      }
    }
    return this.replyParser(raw);
  }

  /** Queues EVALSHA on a pipeline; pair with {@link Batch} to get NOSCRIPT recovery. */
  queue(pipeline: ChainableCommander, keys: readonly string[], args: readonly ScriptArg[] = []): void {
    pipeline.evalsha(this.sha, keys.length, ...this.argv(keys, args));
  }

  parseReply(raw: unknown): Reply {
    return this.replyParser(raw);
  }

  mapError(error: unknown): unknown {
    return mapRedisError(error, this.errors);
  }

  private argv(keys: readonly string[], args: readonly ScriptArg[]): ScriptArg[] {
    const fits = this.keys === 'variadic' ? keys.length > 0 : keys.length === this.keys;
    if (!fits) {
      const wanted = this.keys === 'variadic' ? 'at least one key' : `${this.keys} keys`;
      throw new ValidationError(`script ${this.name} takes ${wanted}, got ${keys.length}`);
    }
    return [...keys, ...args];
  }
}

export function defineScript<Reply>(definition: ScriptDefinition<Reply>): Script<Reply> {
  return new Script(definition);
}

/**
 * Loads every script with SCRIPT LOAD and returns those whose server-computed SHA
 * differs from ours (an edited script with a stale hash). Empty means all good.
 */
export async function verifyScripts(
  client: RedisClient,
  scripts: readonly Script<unknown>[],
): Promise<{ name: string; expected: string; actual: string }[]> {
  const mismatches: { name: string; expected: string; actual: string }[] = [];
  for (const script of scripts) {
    const actual = String(await client.script('LOAD', script.lua));
    if (actual !== script.sha) mismatches.push({ name: script.name, expected: script.sha, actual });
  }
  return mismatches;
}
