import { compareStrings, patchSorted, upperBound } from './sorting';

describe('compareStrings', () => {
  it('orders by code unit, upper case before lower case, whatever the locale', () => {
    expect(['b', 'a', 'B', 'aa', ''].sort(compareStrings)).toEqual(['', 'B', 'a', 'aa', 'b']);
    expect(compareStrings('x', 'x')).toBe(0);
  });
});

describe('upperBound', () => {
  const byNumber = (a: number, b: number) => a - b;

  it('places an item after every equal one, keeping the list sorted', () => {
    const list = [1, 3, 3, 5];
    expect(upperBound(list, 0, byNumber)).toBe(0);
    expect(upperBound(list, 3, byNumber)).toBe(3);
    expect(upperBound(list, 4, byNumber)).toBe(3);
    expect(upperBound(list, 9, byNumber)).toBe(4);
    expect(upperBound([], 1, byNumber)).toBe(0);
  });

  it('gives the same list as a full sort through many insertions', () => {
    const list: number[] = [];
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      seed = (seed * 48271) % 2147483647;
      const n = seed % 50;
      list.splice(upperBound(list, n, byNumber), 0, n);
    }
    expect(list).toEqual([...list].sort(byNumber));
  });
});

describe('patchSorted', () => {
  it('takes out the removed and places the added, leaving the input alone', () => {
    const sorted = ['a', 'c', 'e'];
    expect(patchSorted(sorted, ['d', 'b'], (x) => x === 'c', compareStrings)).toEqual(['a', 'b', 'd', 'e']);
    expect(patchSorted(sorted, [], undefined, compareStrings)).toEqual(sorted);
    expect(patchSorted(sorted, [], undefined, compareStrings)).not.toBe(sorted);
    expect(sorted).toEqual(['a', 'c', 'e']);
  });
});
