// The annotation support table of the README, rendered from the registry (a test keeps the README in sync).
import { HIGRESS_PREFIX } from './annotation';
import { allAnnotations } from './registry';

const LEVEL = { supported: 'supported', partly: 'partly', unsupported: 'unsupported' } as const;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One Markdown row per annotation (or family), in group order. */
export function annotationTable(): string {
  const rows = ['| annotation | group | support | how it maps, or why not | limits |', '|---|---|---|---|---|'];
  for (const { group, def } of allAnnotations()) {
    const name = `${def.higressOnly ? HIGRESS_PREFIX : ''}${def.name}${def.family ? '<name>' : ''}`;
    rows.push(`| \`${name}\` | ${group} | ${LEVEL[def.support]} | ${cell(def.maps)} | ${cell(def.limits ?? '')} |`);
  }
  return rows.join('\n');
}

/** How many annotations have each support level. */
export function supportCounts(): Record<keyof typeof LEVEL, number> {
  const counts = { supported: 0, partly: 0, unsupported: 0 };
  for (const { def } of allAnnotations()) counts[def.support]++;
  return counts;
}

export const TABLE_START = '<!-- annotation-table:start -->';
export const TABLE_END = '<!-- annotation-table:end -->';
