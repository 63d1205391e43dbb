import type { Scenario } from '../scenario.ts';
import { baseline } from './baseline.ts';
import { channels } from './channels.ts';
import { locks } from './locks.ts';
import { workflow } from './workflow.ts';

/** Every scenario, in the order they run. */
export const scenarios: readonly Scenario[] = [baseline, locks, channels, workflow];
