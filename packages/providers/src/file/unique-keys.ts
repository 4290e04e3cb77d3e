// Duplicate mapping keys found in one pass: yaml's own check compares every key with every other.
import { YAMLParseError, isMap, isScalar, visit, type Document } from 'yaml';

/**
 * Adds a "Map keys must be unique" error to `doc` for each repeated scalar key, as yaml's
 * `uniqueKeys` would, in linear time: its check is quadratic, so one mapping of 40,000 keys
 * (a 1 MB file) took 15 s to parse. Parse with `uniqueKeys: false` and call this instead.
 */
export function checkUniqueKeys(doc: Document): void {
  const repeated: Array<[number, number]> = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue; // complex keys are rare; yaml's check compares them by identity anyway
        const id = `${typeof key.value}:${String(key.value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const start = key.range?.[0] ?? 0;
        repeated.push([start, key.range?.[1] ?? start + 1]);
      }
    },
  });
  // In the order they appear (the visit reaches an outer mapping's keys before inner ones).
  for (const range of repeated.sort((a, b) => a[0] - b[0])) doc.errors.push(new YAMLParseError(range, 'DUPLICATE_KEY', 'Map keys must be unique'));
}
