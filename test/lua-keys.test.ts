import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every key a script touches must arrive in KEYS (cluster routing and our own review depend
// on it). A key derived inside Lua is a concatenation: flag any concatenation onto a KEYS
// element, and any redis.call whose key argument is built with `..`. (Variables holding a
// KEYS entry are fine.)
const root = join(import.meta.dirname, '..');

function luaFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...luaFiles(path));
    else if (name.endsWith('.lua')) out.push(path);
  }
  return out;
}

// Commands whose first argument is not a key, or that take no key.
const KEYLESS = new Set(['time', 'ping', 'echo', 'publish', 'spublish', 'info', 'config', 'script', 'cluster']);

const files = luaFiles(join(root, 'packages'));

describe('Lua scripts declare every key in KEYS', () => {
  it('finds the scripts', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const file of files) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.replace(/--.*$/, ''))
        .join('\n');
      const problems: string[] = [];
      for (const m of text.matchAll(/KEYS\[[^\]]+\]\s*\.\./g)) problems.push(`key built from ${m[0]}`);
      for (const m of text.matchAll(/redis\.p?call\(\s*'([A-Za-z]+)'\s*,\s*([^,)]+)/g)) {
        const [, command = '', keyArg = ''] = m;
        if (KEYLESS.has(command.toLowerCase())) continue;
        if (keyArg.includes('..')) problems.push(`${command} on a built key: ${keyArg.trim()}`);
      }
      expect(problems).toEqual([]);
    });
  }
});
