// Annotation value parsers.
import { bool, cidrList, onOff, regexProblem, seconds, serviceRef, size } from './values';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T | string => (r.ok ? r.value : `error: ${r.message}`);

it('parses nginx times, sizes and booleans', () => {
  expect(value(seconds('60'))).toBe(60_000);
  expect(value(seconds('1.5'))).toBe(1500);
  expect(value(seconds('500ms'))).toBe(500);
  expect(value(seconds('2m'))).toBe(120_000);
  expect(value(seconds('soon'))).toMatch(/^error/);
  expect(value(size('8m'))).toBe(8 * 1024 * 1024);
  expect(value(size('512K'))).toBe(512 * 1024);
  expect(value(size('100'))).toBe(100);
  expect(value(size('1 MB'))).toMatch(/^error/);
  expect(value(bool('True'))).toBe(true);
  expect(value(bool('0'))).toBe(false);
  expect(value(bool('yes'))).toMatch(/^error/);
  expect(value(onOff('on'))).toBe(true);
  expect(value(onOff('false'))).toBe(false);
});

it('checks CIDR lists, RE2 regexes and Service references', () => {
  expect(value(cidrList(' 10.0.0.0/8, 192.168.1.1 ,2001:db8::/32'))).toEqual(['10.0.0.0/8', '192.168.1.1', '2001:db8::/32']);
  expect(value(cidrList('10.0.0.0/33, x'))).toBe('error: "10.0.0.0/33", "x" are not IP addresses or CIDR ranges');
  expect(regexProblem('/api(/|$)(.*)')).toBeUndefined();
  expect(regexProblem('/(?=x)')).toMatch(/RE2 .* refuses it: invalid perl operator: \(\?=/);
  expect(regexProblem('(a)\\1')).toMatch(/invalid escape sequence: \\1/);
  expect(regexProblem('(unclosed')).toMatch(/missing \)/);
  expect(regexProblem('(?i)/api')).toBeUndefined();
  expect(value(serviceRef('shop')('web'))).toEqual({ namespace: 'shop', name: 'web', port: 0 });
  expect(value(serviceRef('shop')('other/web:8080'))).toEqual({ namespace: 'other', name: 'web', port: 8080 });
  expect(value(serviceRef('shop')('web:http'))).toMatch(/^error/);
});
