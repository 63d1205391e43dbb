/** Where a value stops being JSON data: the path to the offending part and what it is. */
export interface NonJson {
  readonly path: (string | number)[];
  readonly message: string;
}

/**
 * Finds the first part of `value` that is not JSON data, or returns null when all of it is:
 * null, booleans, strings, finite numbers, arrays (every index set) and plain objects (no
 * class instances; no undefined, symbol-keyed or cyclic values). Accepts exactly what zod's
 * `z.json()` accepts, but walks the value once without building a copy, never overflows on
 * a cycle, and names the offending path.
 */
export function findNonJson(value: unknown): NonJson | null {
  return walk(value, new Set());
}

// The path is built only on the way back up from a failure, so valid data allocates nothing.
function walk(value: unknown, ancestors: Set<object>): NonJson | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : { path: [], message: `${value} is not a JSON number` };
    case 'object':
      if (value === null) return null;
      break;
    default:
      return { path: [], message: `${typeof value} is not JSON` };
  }
  if (ancestors.has(value)) return { path: [], message: 'a cycle is not JSON' };
  ancestors.add(value);
  const found = Array.isArray(value) ? walkArray(value, ancestors) : walkObject(value, ancestors);
  ancestors.delete(value);
  return found;
}

function walkArray(array: readonly unknown[], ancestors: Set<object>): NonJson | null {
  for (let i = 0; i < array.length; i++) {
    const found = walk(array[i], ancestors);
    if (found) {
      found.path.unshift(i);
      return found;
    }
  }
  return null;
}

function walkObject(object: object, ancestors: Set<object>): NonJson | null {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name || 'class';
    return { path: [], message: `a ${name} instance is not a plain JSON object` };
  }
  for (const symbol of Object.getOwnPropertySymbols(object)) {
    if (Object.prototype.propertyIsEnumerable.call(object, symbol)) return { path: [], message: 'a symbol key is not JSON' };
  }
  for (const key of Object.keys(object)) {
    const found = walk((object as Record<string, unknown>)[key], ancestors);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}
