import { asArray, asString, Batch, parseInput } from '@redstate/core';
import { z } from 'zod';
import { parseStepId } from './ids.js';
import type { WorkflowStore } from './workflow-store.js';

const limitSchema = z.number().int().min(1).max(10_000);
const dateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

interface Scored {
  readonly member: string;
  readonly score: number;
}

function asScored(raw: unknown): Scored[] {
  const list = asArray(raw);
  const out: Scored[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push({ member: asString(list[i]), score: Number(asString(list[i + 1])) });
  return out;
}

/**
 * Crash-recovery queries behind Pikku's `recoverStalledRuns` / `relayUndispatchedSteps`.
 * Both read per-partition recovery indexes that the transition scripts maintain, so the
 * cost is partitions x limit, never a scan of all runs.
 */
export class Recovery {
  constructor(private readonly store: WorkflowStore) {}

  /** Runs in status `running`, nothing in flight, no activity since `before`; oldest first. */
  async stalledRunIds(before: Date, limit: number): Promise<string[]> {
    const { cutoff, max } = this.parse(before, limit);
    const oldest = await this.oldest((p) => this.store.keys.indexes(p).stalled, cutoff, max);
    return oldest.slice(0, max).map((s) => s.member);
  }

  /** Pending step attempts older than `before`, of runs still `running`; oldest first. */
  async undispatchedSteps(before: Date, limit: number): Promise<Array<{ runId: string; stepId: string }>> {
    const { cutoff, max } = this.parse(before, limit);
    const candidates = (await this.oldest((p) => this.store.keys.indexes(p).pending, cutoff, max))
      .map((s) => ({ stepId: s.member, parsed: parseStepId(s.member) }))
      .filter((c) => c.parsed !== null);
    if (candidates.length === 0) return [];
    const batch = new Batch(this.store.client);
    const refs = candidates.map((c) => batch.command('hget', [this.store.runKeys(c.parsed!.runId).run, 'status'], (raw) => raw));
    const results = await batch.exec();
    const out: Array<{ runId: string; stepId: string }> = [];
    candidates.forEach((c, i) => {
      if (results.get(refs[i]!) === 'running' && out.length < max) out.push({ runId: c.parsed!.runId, stepId: c.stepId });
    });
    return out;
  }

  private parse(before: Date, limit: number): { cutoff: number; max: number } {
    const date = parseInput(dateSchema, before, 'before');
    return { cutoff: date.getTime(), max: parseInput(limitSchema, limit, 'limit') };
  }

  private async oldest(keyOf: (partition: number) => string, cutoff: number, max: number): Promise<Scored[]> {
    const batch = new Batch(this.store.client);
    const refs = Array.from({ length: this.store.keys.partitions }, (_, p) =>
      batch.command('zrange', [keyOf(p), '-inf', `(${cutoff}`, 'BYSCORE', 'LIMIT', 0, max, 'WITHSCORES'], asScored),
    );
    const results = await batch.exec();
    return refs.flatMap((ref) => results.get(ref)).sort((a, b) => a.score - b.score);
  }
}
