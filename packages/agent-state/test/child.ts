import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/stream-writer.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export interface ChildWriter {
  readonly process: ChildProcess;
  /** Resolves when the child printed `line`. */
  waitFor(line: string): Promise<void>;
  resume(): void;
  exited: Promise<number | null>;
}

/** Spawns a writer in another Node process (uses the built dist: run the build first). */
export function spawnWriter(args: { url: string; prefix: string; streamId: string; count: number; mode: 'manager' | 'storage'; pauseAfter?: number }): ChildWriter {
  if (!existsSync(dist)) throw new Error(`cross-process tests need the built package: run pnpm --filter @redstate/agent-state build (${dist})`);
  const argv = [script, args.url, args.prefix, args.streamId, String(args.count), args.mode];
  if (args.pauseAfter !== undefined) argv.push(String(args.pauseAfter));
  const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stderr?.on('data', (d: Buffer) => console.log('CHILD ERR', String(d)));
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
    for (const w of [...waiters]) if (output.includes(`${w.line}\n`)) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    process: child,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(`${line}\n`)) return resolve();
        waiters.push({ line, resolve });
        void exited.then((code) => reject(new Error(`writer exited (${code}) before printing ${line}; output: ${output}`)));
      }),
    resume: () => child.stdin.end('go\n'),
    exited,
  };
}
