import { randomBytes } from 'node:crypto';

/** A unique key prefix per test (file), so tests share one server without FLUSHALL. */
export function testPrefix(label = 't'): string {
  const safe = label.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 't';
  return `${safe}-${randomBytes(6).toString('hex')}`;
}
