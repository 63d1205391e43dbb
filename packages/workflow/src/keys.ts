import { createHash } from 'node:crypto';
import type { KeyUnit, Keyspace } from '@redstate/core';

const PARTITION_CACHE_SIZE = 10_000;

export const RUN_STATUSES = ['running', 'suspended', 'completed', 'failed', 'cancelled'] as const;

/** Keys of one run: they live in the run's partition, so one script can touch them all. */
export interface RunKeys {
  readonly run: string;
  readonly steps: string;
  readonly current: string;
  readonly state: string;
}

/** Index keys of one partition. */
export interface PartitionIndexKeys {
  readonly all: string;
  readonly names: string;
  readonly counts: string;
  /** Runs in status `running` with no step attempt in flight, scored by last activity. */
  readonly stalled: string;
  /** Pending step attempts (`<runId>.<seq>`), scored by when they became pending. */
  readonly pending: string;
  status(status: string): string;
  workflow(digest: string): string;
  workflowStatus(digest: string, status: string): string;
}

/**
 * Key layout. Runs are spread over `partitions` hash slots (`{wf:p<n>}`); a run's keys and
 * the indexes that list it share that slot, so every transition is one script on Cluster.
 */
export class WorkflowKeys {
  // A run's calls come in bursts (create, steps, status, reads), so its partition is kept for
  // reuse: hashing costs more than the rest of building its keys. Cleared when full.
  private readonly partitionCache = new Map<string, number>();
  private readonly units: KeyUnit[] = [];

  constructor(
    private readonly keyspace: Keyspace,
    readonly partitions: number,
  ) {}

  partitionOf(runId: string): number {
    let partition = this.partitionCache.get(runId);
    if (partition === undefined) {
      partition = createHash('sha1').update(runId, 'utf8').digest().readUInt32BE(0) % this.partitions;
      if (this.partitionCache.size >= PARTITION_CACHE_SIZE) this.partitionCache.clear();
      this.partitionCache.set(runId, partition);
    }
    return partition;
  }

  unit(partition: number): KeyUnit {
    let unit = this.units[partition];
    if (!unit) {
      unit = this.keyspace.unit('wf', `p${partition}`);
      this.units[partition] = unit;
    }
    return unit;
  }

  /** The run hash alone (reads that need nothing else). */
  runHash(runId: string): string {
    return this.unit(this.partitionOf(runId)).key('run', runId);
  }

  run(runId: string): RunKeys {
    const unit = this.unit(this.partitionOf(runId));
    return {
      run: unit.key('run', runId),
      steps: unit.key('steps', runId),
      current: unit.key('current', runId),
      state: unit.key('state', runId),
    };
  }

  indexes(partition: number): PartitionIndexKeys {
    const unit = this.unit(partition);
    return {
      all: unit.key('idx', 'all'),
      names: unit.key('names'),
      counts: unit.key('name-counts'),
      stalled: unit.key('recovery', 'stalled'),
      pending: unit.key('recovery', 'pending'),
      status: (status) => unit.key('idx', 'status', status),
      workflow: (digest) => unit.key('idx', 'wf', digest),
      workflowStatus: (digest, status) => unit.key('idx', 'wf', digest, status),
    };
  }

  indexesOfRun(runId: string): PartitionIndexKeys {
    return this.indexes(this.partitionOf(runId));
  }

  runLock(runId: string): string {
    return this.unit(this.partitionOf(runId)).key('lock', runId);
  }

  stepLock(runId: string, stepName: string): string {
    return this.unit(this.partitionOf(runId)).key('step-lock', runId, stepName);
  }

  version(name: string, graphHash: string): string {
    return this.keyspace.unit('version', name, graphHash).key('graph');
  }

  meta(): string {
    return this.keyspace.unit('workflow-meta').key('layout');
  }
}
