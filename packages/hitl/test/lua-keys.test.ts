import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const luaDir = join(import.meta.dirname, '../src/lua');

/** Every .lua file of this package (scripts and includes). */
function luaFiles(): { name: string; source: string }[] {
  const files: { name: string; source: string }[] = [];
  for (const dir of [luaDir, join(luaDir, 'includes')]) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.lua'))) {
      files.push({ name: `${dir === luaDir ? '' : 'includes/'}${f}`, source: readFileSync(join(dir, f), 'utf8') });
    }
  }
  return files;
}

/** Drops `--` comments and masks brackets and commas inside string literals (so they do not count). */
function code(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '-' && source[i + 1] === '-') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      out += c;
      i++;
      while (i < source.length && source[i] !== c) {
        const n = source[i] === '\\' ? 2 : 1;
        out += source.slice(i, i + n).replace(/[(){}[\],]/g, '_');
        i += n;
      }
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The argument lists of every redis.call / redis.pcall, split at top-level commas. */
function redisCalls(source: string): string[][] {
  const text = code(source);
  const calls: string[][] = [];
  for (const match of text.matchAll(/redis\.p?call\s*\(/g)) {
    let depth = 1;
    let arg = '';
    const args: string[] = [];
    for (let i = (match.index ?? 0) + match[0].length; i < text.length && depth > 0; i++) {
      const c = text[i] as string;
      if (c === '(' || c === '{' || c === '[') depth++;
      if (c === ')' || c === '}' || c === ']') depth--;
      if (depth === 0 || (depth === 1 && c === ',')) {
        args.push(arg.trim());
        arg = '';
      } else arg += c;
    }
    calls.push(args);
  }
  return calls;
}

/** Commands that take no key. */
const KEYLESS = new Set(['TIME']);

describe('Lua key discipline', () => {
  const files = luaFiles();

  it('finds the scripts and their redis calls', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => redisCalls(f.source)).length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [f.name, f.source] as const))('%s: every key argument is KEYS[...], never built in Lua', (_name, source) => {
    for (const args of redisCalls(source)) {
      const command = (args[0] ?? '').replace(/['"]/g, '').toUpperCase();
      if (KEYLESS.has(command)) {
        expect(args).toHaveLength(1);
        continue;
      }
      const key = args[1] ?? '';
      expect(key, `${command} key argument`).toMatch(/^KEYS\[[^\]]+\]$/);
      expect(key, `${command} key argument`).not.toContain('..');
    }
  });

  it('no script concatenates onto a KEYS entry anywhere', () => {
    for (const { name, source } of files) {
      expect(code(source), name).not.toMatch(/KEYS\[[^\]]+\]\s*\.\./);
      expect(code(source), name).not.toMatch(/\.\.\s*KEYS\[/);
    }
  });

  it('the check catches a key built by concatenation', () => {
    const bad = "local k = 'x'\nredis.call('HGETALL', KEYS[2] .. ':' .. k)\nredis.call('GET', base)";
    const keys = redisCalls(bad).map((args) => args[1]);
    expect(keys).toEqual(["KEYS[2] .. ':' .. k", 'base']);
    for (const key of keys) expect(key).not.toMatch(/^KEYS\[[^\]]+\]$/);
  });
});
