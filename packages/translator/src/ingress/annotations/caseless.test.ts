// Case-insensitive patterns without inline flags.
import { caseless } from './caseless';

it.each([
  ['/api', '/[aA][pP][iI]'],
  ['/v[0-9]+/x', '/[vV][0-9]+/[xX]'],
  ['[a-f]{2}', '[a-fA-F]{2}'],
  ['[^bc]\\d\\w(?:y|Z)(?P<id>q)', '[^bBcC]\\d\\w(?:[yY]|[Zz])(?P<id>[qQ])'],
  ['\\x41\\p{Greek}', '\\x41\\p{Greek}'],
])('%s → %s', (input, expected) => {
  expect(caseless(input)).toBe(expected);
});

it('matches what the case-insensitive original matches', () => {
  const pattern = '^(?:/api(/|$)(.*)).*';
  const re = new RegExp(caseless(pattern));
  for (const path of ['/api/items', '/API/items', '/Api', '/aPi/x/y']) {
    expect(path.replace(re, '/$2')).toBe(path.replace(new RegExp(pattern, 'i'), '/$2'));
  }
  expect(re.test('/apx')).toBe(false);
});
