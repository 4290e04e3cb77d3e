// The README's annotation table is the registry's: UPDATE_GOLDEN=1 rewrites it, otherwise a difference fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TABLE_END, TABLE_START, annotationTable, supportCounts } from './annotations/table';

const README = join(__dirname, 'README.md');

it('README annotation table matches the registry', () => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const c = supportCounts();
  const body = `${TABLE_START}\n${c.supported} supported, ${c.partly} partly supported, ${c.unsupported} unsupported.\n\n${annotationTable()}\n`;
  const updated = text.slice(0, start) + body + text.slice(end);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(README, updated);
  else expect(text).toEqual(updated);
});
