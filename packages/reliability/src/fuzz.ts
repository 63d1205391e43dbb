/** Ids that break naive key layouts: separators, hash tags, glob characters, unicode, size. */
export const FUZZ_IDS: readonly string[] = [
  'plain',
  'a:b',
  ':',
  '{}',
  '{tag}',
  '}{',
  'x{y}z:1',
  '*',
  'a?b',
  '[abc]',
  'back\\slash',
  'with space',
  ' ',
  'tab\tand\nnewline',
  'ümlaut',
  '漢字',
  '🔥emoji',
  '%3A',
  '%',
  'a'.repeat(200),
];

/** Ids every package must refuse with a ValidationError. */
export const INVALID_IDS: readonly unknown[] = ['', 'x'.repeat(100_000), 42, null, undefined, {}, ['a']];

/** A JSON value nested `depth` levels deep. */
export function deepJson(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { level: i, child: value, list: [i, [], {}] };
  return value;
}

/** Values JSON cannot represent faithfully: they must be refused, never silently changed. */
export const NON_JSON_VALUES: Readonly<Record<string, unknown>> = {
  bigint: 10n,
  function: () => 1,
  symbol: Symbol('s'),
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
};

export const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
