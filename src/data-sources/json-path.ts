/**
 * The value at a simple JSONPath-like path: `a.b.c`, `items[0].name`, `$.data.items` (a
 * leading `$` or `$.` is allowed), or '' / `$` for the value itself. No wildcards or filters.
 */
export function valueAt(value: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
