// joinLists keeps a lone provider's array (stages remember work per snapshot array) and joins several.
import { joinLists } from './resources';

describe('joinLists', () => {
  it('hands back the one non-empty list itself', () => {
    const only = [1, 2];
    expect(joinLists([[], only, []])).toBe(only);
  });

  it('joins several non-empty lists in order', () => {
    expect(joinLists([[1], [], [2, 3]])).toEqual([1, 2, 3]);
  });

  it('gives an empty list for none', () => {
    expect(joinLists<number>([])).toEqual([]);
    expect(joinLists<number>([[], []])).toEqual([]);
  });
});
