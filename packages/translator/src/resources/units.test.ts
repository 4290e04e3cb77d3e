// Unit tests for the small parsers and matchers the resource layer shares.
import { z } from 'zod';
import { parseDuration } from './duration';
import { parseQuantity } from './quantity';
import { matchesSelector } from './label-selector';
import { fieldIssues, formatPath } from './zod-issues';

describe('parseDuration', () => {
  it.each([
    ['1h', 3_600_000],
    ['2s', 2000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '1.5s', '1d', '5 seconds', '123456s', '1s1s1s1s1s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseQuantity', () => {
  it.each([
    ['10Mi', 10 * 1024 * 1024],
    ['512Ki', 512 * 1024],
    ['1G', 1e9],
    ['1.5Ki', 1536],
    ['0.1', 1],
    ['42', 42],
  ])('%s is %d bytes', (text, bytes) => expect(parseQuantity(text)).toBe(bytes));

  it.each(['10MB', '-1', 'Mi', '1e3'])('rejects %j', (text) => expect(parseQuantity(text)).toBeUndefined());
});

describe('matchesSelector', () => {
  const labels = { team: 'shop', env: 'prod' };
  it('matches labels and every expression operator', () => {
    expect(matchesSelector(labels, {})).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { team: 'shop' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { team: 'ads' } })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'team', operator: 'Exists' }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] })).toBe(false);
  });
});

describe('zod issues as field errors', () => {
  it('formats paths with indexes and odd keys', () => {
    expect(formatPath(['spec', 'rules', 0, 'matches', 1, 'path', 'type'])).toBe('spec.rules[0].matches[1].path.type');
    expect(formatPath(['data', 'tls.crt'])).toBe('data["tls.crt"]');
  });

  it('reports each unknown key at its own path, and missing fields as such', () => {
    const schema = z.strictObject({ spec: z.strictObject({ port: z.number(), name: z.string() }) });
    const r = schema.safeParse({ spec: { port: 1, prot: 2, extra: 3 } });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(fieldIssues(r.error.issues)).toEqual([
      { path: 'spec.name', code: 'missing-field', message: 'required field is missing' },
      { path: 'spec.prot', code: 'unknown-field', message: 'unknown field "prot"' },
      { path: 'spec.extra', code: 'unknown-field', message: 'unknown field "extra"' },
    ]);
  });
});
