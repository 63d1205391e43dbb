import type { Redis } from 'ioredis';
import type { Measurement } from './measure.ts';

export interface BenchContext {
  readonly url: string;
  /** Server port, for the client-side round-trip counter. */
  readonly port: number;
  /** Connection used for INFO/MEMORY only. */
  readonly admin: Redis;
  /** A new connection, closed by the runner after the scenario. */
  connect(): Redis;
  readonly quick: boolean;
  /** Unique key prefix for this scenario. */
  prefix(label: string): string;
  readonly ops: number;
  readonly concurrency: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  /** `redstate`, a peer library name, or `baseline`. */
  readonly subject: string;
  readonly measurement: Measurement;
  readonly bytesPerRecord?: number;
  readonly note?: string;
}

export interface Scenario {
  readonly name: string;
  run(context: BenchContext): Promise<ScenarioResult[]>;
}
