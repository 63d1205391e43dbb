import { setOwn, ValidationError } from '@redstate/core';
import type { JsonPatchOperation } from './types.js';

type Json = unknown;
type Container = Json[] | Record<string, Json>;

function fail(message: string, op: JsonPatchOperation): never {
  throw new ValidationError(`JSON patch ${op.op} ${op.path}: ${message}`, { details: { op } });
}

function parsePointer(pointer: string, op: JsonPatchOperation): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) fail(`pointer ${JSON.stringify(pointer)} must start with /`, op);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isContainer(value: Json): value is Container {
  return typeof value === 'object' && value !== null;
}

function arrayIndex(token: string, length: number, allowEnd: boolean, op: JsonPatchOperation): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) fail(`bad array index ${JSON.stringify(token)}`, op);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) fail(`array index ${index} out of bounds`, op);
  return index;
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(obj: Record<string, Json>, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** The parent container and last token of a pointer (which must not be the root). */
function locate(doc: Json, tokens: string[], op: JsonPatchOperation): [Container, string] {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, false, op)];
    else if (isRecord(node) && has(node, token)) node = node[token];
    else fail('path does not exist', op);
  }
  if (!isContainer(node)) fail('parent is not an object or array', op);
  return [node, tokens[tokens.length - 1]!];
}

function get(doc: Json, pointer: string, op: JsonPatchOperation): Json {
  let node = doc;
  for (const token of parsePointer(pointer, op)) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, false, op)];
    else if (isRecord(node) && has(node, token)) node = node[token];
    else fail(`path ${pointer} does not exist`, op);
  }
  return node;
}

function add(doc: Json, pointer: string, value: Json, op: JsonPatchOperation): Json {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) return value;
  const [parent, last] = locate(doc, tokens, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, op), 0, value);
  else setOwn(parent, last, value);
  return doc;
}

function remove(doc: Json, pointer: string, op: JsonPatchOperation): [Json, Json] {
  const tokens = parsePointer(pointer, op);
  if (tokens.length === 0) fail('cannot remove the root', op);
  const [parent, last] = locate(doc, tokens, op);
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(arrayIndex(last, parent.length, false, op), 1);
    return [doc, removed];
  }
  if (!has(parent, last)) fail('path does not exist', op);
  const removed = parent[last];
  delete parent[last];
  return [doc, removed];
}

function equal(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]));
  if (isContainer(a) && isContainer(b) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => has(b, k) && equal((a as Record<string, Json>)[k], b[k]));
  }
  return false;
}

/**
 * Applies RFC 6902 operations to a copy of `document` and returns it. Any failing
 * operation (missing path, failed `test`, bad index) throws ValidationError and the
 * input is left untouched.
 */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let doc: Json = structuredClone(document);
  for (const op of operations) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, structuredClone(op.value), op);
        break;
      case 'replace': {
        if (op.path === '') {
          doc = structuredClone(op.value);
          break;
        }
        const [next] = remove(doc, op.path, op);
        doc = add(next, op.path, structuredClone(op.value), op);
        break;
      }
      case 'remove':
        [doc] = remove(doc, op.path, op);
        break;
      case 'test':
        if (!equal(get(doc, op.path, op), op.value)) fail('test failed', op);
        break;
      case 'move': {
        if (op.path.startsWith(`${op.from}/`)) fail('cannot move a value into itself', op);
        const [next, value] = remove(doc, op.from, op);
        doc = add(next, op.path, value, op);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, structuredClone(get(doc, op.from, op)), op);
        break;
    }
  }
  return doc as T;
}
