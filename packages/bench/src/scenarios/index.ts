import type { Scenario } from '../scenario.ts';
import { baseline } from './baseline.ts';

/** Every scenario, in the order they run. Domain scenarios join as packages land. */
export const scenarios: readonly Scenario[] = [baseline];
