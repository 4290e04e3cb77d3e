// Unit tests for listener/route hostname intersection.
import { hostnameMatches, intersectHostnames } from './hostnames';

describe('hostnameMatches', () => {
  it('treats a leading wildcard as a suffix of at least one label', () => {
    expect(hostnameMatches('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnameMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostnameMatches('*.example.com', 'aexample.com')).toBe(false);
    expect(hostnameMatches('a.example.com', 'a.example.com')).toBe(true);
  });
});

describe('intersectHostnames', () => {
  it('keeps the more specific name of each matching pair', () => {
    expect(intersectHostnames('*.example.com', ['foo.example.com', '*.example.com', '*.bar.example.com', 'example.com'])).toEqual([
      'foo.example.com',
      '*.example.com',
      '*.bar.example.com',
    ]);
    expect(intersectHostnames('foo.example.com', ['*.example.com', 'bar.example.com'])).toEqual(['foo.example.com']);
  });

  it('is unrestricted only when neither side restricts', () => {
    expect(intersectHostnames(undefined, [])).toEqual(['*']);
    expect(intersectHostnames(undefined, ['a.com', 'a.com'])).toEqual(['a.com']);
    expect(intersectHostnames('a.com', [])).toEqual(['a.com']);
    expect(intersectHostnames('a.com', ['b.com'])).toEqual([]);
  });
});
