import { roundTrips } from './round-trips.mjs';

const started = Date.now();
const rows = [];

function stamp() {
  return `[${((Date.now() - started) / 1000).toFixed(1).padStart(4)}s]`;
}

export function log(message) {
  console.log(`${stamp()} ${message}`);
}

export function detail(message) {
  console.log(`         ${message}`);
}

/** Runs one named step, printing progress, and records its round trips for the summary. */
export async function step(name, fn) {
  log(`${name} ...`);
  const before = roundTrips();
  const result = await fn();
  const trips = roundTrips() - before;
  rows.push({ name, trips });
  return result;
}

export function summary(lines) {
  console.log('\nSummary');
  for (const [label, value] of lines) console.log(`  ${label.padEnd(22)} ${value}`);
  console.log('\nRound trips per step (client requests; a Lua script or pipeline is one).');
  console.log("A store's first call on a new connection also checks its schema ledger once and loads its scripts.");
  for (const row of rows) console.log(`  ${String(row.trips).padStart(4)}  ${row.name}`);
}
