import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every published package, imported the way users will: by name from a plain Node ESM
// script and via require(), resolved through its own `exports` map (self-reference).
const root = join(import.meta.dirname, '..');
const packagesDir = join(root, 'packages');

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const published = readdirSync(packagesDir)
  .map((dir) => ({ dir: join(packagesDir, dir), file: join(packagesDir, dir, 'package.json') }))
  .filter(({ file }) => existsSync(file))
  .map(({ dir, file }) => ({ dir, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest }))
  .filter(({ dir, manifest }) => !manifest.private && existsSync(join(dir, 'dist')));

function subpaths(manifest: Manifest): string[] {
  return Object.keys(manifest.exports ?? {}).filter((p) => p !== './package.json');
}

function node(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('published package shape', () => {
  it('finds the built packages', () => {
    expect(published.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@redstate/core', '@redstate/testing']));
  });

  for (const { dir, manifest } of published) {
    describe(manifest.name, () => {
      it('declares ioredis as a peer, never a dependency', () => {
        expect(manifest.peerDependencies?.ioredis).toBeDefined();
        expect(manifest.dependencies?.ioredis).toBeUndefined();
      });

      for (const sub of subpaths(manifest)) {
        const specifier = sub === '.' ? manifest.name : `${manifest.name}/${sub.slice(2)}`;
        const raw = (manifest.exports?.[sub] ?? {}) as Record<string, unknown>;
        // Either { import: {types, default}, require: {types, default} } or ESM-only { types, default }.
        const entry = ('import' in raw || 'require' in raw ? raw : { import: raw }) as Record<string, Record<string, string> | undefined>;

        it(`${specifier}: exports map points at built files with types`, () => {
          expect(entry.import ?? entry.require).toBeDefined();
          for (const condition of ['import', 'require'] as const) {
            const target = entry[condition];
            if (!target) continue;
            expect(existsSync(join(dir, target.types ?? '')), `${condition}.types`).toBe(true);
            expect(existsSync(join(dir, target.default ?? '')), `${condition}.default`).toBe(true);
          }
        });

        it(`${specifier}: loads from a plain ESM script`, () => {
          const out = node(dir, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length)`]);
          expect(Number(out.trim())).toBeGreaterThan(0);
        });

        if (entry.require) {
          it(`${specifier}: loads via require()`, () => {
            const out = node(dir, ['-e', `console.log(Object.keys(require(${JSON.stringify(specifier)})).length)`]);
            expect(Number(out.trim())).toBeGreaterThan(0);
          });
        }
      }
    });
  }
});
