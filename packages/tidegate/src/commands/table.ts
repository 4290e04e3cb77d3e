// Plain-text tables for CLI output: a header row and left-aligned columns, the last one unpadded.

/** Rows under a header, columns separated by two spaces; newlines in cells become spaces. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows].map((r) => r.map((c) => c.replace(/\s*\n\s*/g, ' ')));
  const widths = header.map((_h, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
