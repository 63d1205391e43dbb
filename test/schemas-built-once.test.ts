import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// A zod schema built inside a function is built again on every call, and zod compiles each
// new schema on its first parse: on a read path that cost more than the read itself (flue's
// conversation read spent half its CPU there). Schemas live in module constants; this finds
// any `z.*(...)` call, or `<something>Schema.extend/omit/...(...)`, inside a function body.
const root = join(import.meta.dirname, '..');

// Functions that build schemas on purpose, each called once at module load.
const FACTORIES = new Set(['packages/core/src/validation.ts:keepAsGiven']);

const DERIVING = new Set(['extend', 'omit', 'pick', 'partial', 'merge', 'array', 'optional', 'nullable', 'and', 'or', 'refine', 'superRefine', 'transform', 'min', 'max']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'generated' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function rootIdentifier(call: ts.CallExpression): { root: string; method: string } {
  let expr: ts.Expression = call.expression;
  const method = ts.isPropertyAccessExpression(expr) ? expr.name.text : '';
  while (ts.isPropertyAccessExpression(expr) || ts.isCallExpression(expr)) expr = expr.expression;
  return { root: ts.isIdentifier(expr) ? expr.text : '', method };
}

function builtPerCall(file: string): string[] {
  const rel = relative(root, file);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node, fn: string | null): void => {
    if (ts.isFunctionLike(node)) {
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      fn ??= name;
    }
    if (fn !== null && ts.isCallExpression(node) && !FACTORIES.has(`${rel}:${fn}`)) {
      const { root: id, method } = rootIdentifier(node);
      if (id === 'z' || (/Schema$/.test(id) && DERIVING.has(method))) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push(`${rel}:${line} in ${fn}: ${node.getText().slice(0, 60)}`);
        return; // the outermost call of a chain is enough
      }
    }
    ts.forEachChild(node, (child) => visit(child, fn));
  };
  visit(source, null);
  return found;
}

const files = readdirSync(join(root, 'packages')).flatMap((pkg) => {
  const src = join(root, 'packages', pkg, 'src');
  return statSync(src, { throwIfNoEntry: false })?.isDirectory() ? sourceFiles(src) : [];
});

describe('zod schemas are built once, at module load', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no function body builds a schema', () => {
    expect(files.flatMap(builtPerCall)).toEqual([]);
  });
});
