// Shared machinery of the model-based tests (test/models*.test.ts): operations from several
// connections are compared with a plain in-memory model, one at a time or racing.
import { isDeepStrictEqual } from 'node:util';
import { RedstateError } from '@redstate/core';
import fc from 'fast-check';
import { assert } from 'vitest';
import { scale } from './report.js';

export const CONNECTIONS = 3;
export const NUM_RUNS = scale(300, 40);
export const MAX_OPS = scale(80, 40);

export type Outcome = { readonly ok: unknown } | { readonly error: string };

/** Runs `fn` and reduces it to what the model predicts: the value, or the error's code. */
export async function outcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: RedstateError.isInstance(error) ? error.code : `UNTYPED ${String(error)}` };
  }
}

export const conn = fc.integer({ min: 0, max: CONNECTIONS - 1 });

/**
 * A model for the racing tests: operations of one round run concurrently, one per connection,
 * and their answers must be explained by SOME order of applying them to the model
 * (linearizability). The models are plain JSON objects, so every candidate state can be cloned.
 */
export interface RaceSpec<M, Op> {
  readonly init: () => M;
  /** Applies `op` to `model` (mutating it) and returns what the store must answer. */
  readonly apply: (model: M, op: Op) => Outcome;
  readonly run: (connection: number, op: Op) => Promise<Outcome>;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

export async function checkRounds<M, Op>(spec: RaceSpec<M, Op>, rounds: readonly (readonly Op[])[]): Promise<void> {
  let candidates: M[] = [spec.init()];
  for (const [r, ops] of rounds.entries()) {
    const got = await Promise.all(ops.map((op, c) => spec.run(c, op)));
    const next = new Map<string, M>();
    for (const state of candidates) {
      for (const order of permutations(ops.length)) {
        const model = structuredClone(state);
        const predicted: Outcome[] = [];
        // Cloned at once: a later op of the same order must not mutate an earlier answer.
        for (const k of order) predicted[k] = structuredClone(spec.apply(model, ops[k] as Op));
        if (isDeepStrictEqual(predicted, got)) next.set(JSON.stringify(model), model);
      }
    }
    if (next.size === 0) assert.fail(`round ${r}: ${JSON.stringify(ops)} answered ${JSON.stringify(got)}, which no order explains`);
    candidates = [...next.values()];
  }
}

export const rounds = <Op>(op: fc.Arbitrary<Op>) =>
  fc.array(fc.array(op, { minLength: 1, maxLength: CONNECTIONS }), { minLength: 1, maxLength: scale(30, 15) });
