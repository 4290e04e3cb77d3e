// Header and string-match rules (the corpus test in e2e/ proves them against Envoy itself).
import { addedHeaderNameProblem, headerNameProblem, headerValueProblem, literalHeaderValue, mutableHeaderNameProblem } from './headers';
import { queryParamNameProblem, stringMatchProblem } from './string-match';

describe('header rules', () => {
  it('lets any header be matched, but not host or pseudo-headers be changed', () => {
    for (const name of ['host', ':authority', 'Foo Bar']) expect(headerNameProblem(name)).toBeUndefined();
    for (const name of ['host', 'Host', ':path']) expect(mutableHeaderNameProblem(name)).toMatch(/cannot be changed/);
    expect(mutableHeaderNameProblem('x-a')).toBeUndefined();
  });

  it('refuses empty names and NUL, CR or LF anywhere', () => {
    expect(headerNameProblem('')).toBe('must not be empty');
    expect(headerNameProblem('a\nb')).toBe('must not contain LF characters');
    expect(headerValueProblem('a\r\nb')).toBe('must not contain CR characters');
    expect(headerValueProblem('a\u0000')).toBe('must not contain NUL characters');
    expect(headerValueProblem('a\tb\u0001')).toBeUndefined();
  });

  it('limits added names and values to 16 KiB as sent, with % doubled', () => {
    expect(addedHeaderNameProblem('x'.repeat(16_385))).toMatch(/16385 bytes/);
    expect(mutableHeaderNameProblem('x'.repeat(16_385))).toBeUndefined();
    expect(headerValueProblem('%'.repeat(8192))).toBeUndefined();
    expect(headerValueProblem('%'.repeat(8193))).toMatch(/16386 bytes/);
    expect(literalHeaderValue('50% of %REQ(x)%')).toBe('50%% of %%REQ(x)%%');
  });

  it('refuses empty prefix matches and query names', () => {
    expect(stringMatchProblem('prefix', '')).toMatch(/must not be empty/);
    expect(stringMatchProblem('exact', '')).toBeUndefined();
    expect(stringMatchProblem('regex', '\\Z')).toMatch(/\\Z/);
    expect(queryParamNameProblem('')).toBe('must not be empty');
    expect(queryParamNameProblem('q'.repeat(1025))).toMatch(/at most 1024/);
  });
});
