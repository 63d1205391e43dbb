/**
 * Sets `target[key] = value` as an own, enumerable data property. Plain assignment treats a
 * `"__proto__"` key as the prototype setter: a string value vanishes and an object value
 * becomes the prototype. Keys that come from users or from storage go through here.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
