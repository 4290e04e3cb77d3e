// Parsers for annotation values (nginx booleans, times, sizes, CIDR lists, RE2 regexes, object references).
import { isIP } from 'node:net';
import { regexProblem } from '@tidegate/ir';
import type { AnnotationDef, AnnotationReader, GroupContext } from './annotation';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** Reads and parses one annotation; a malformed value is reported (and undefined returned). */
export function read<T>(a: AnnotationReader, def: AnnotationDef, ctx: GroupContext, parse: (text: string) => Parsed<T>): T | undefined {
  const found = a.get(def);
  if (!found) return undefined;
  const parsed = parse(found.value);
  if (parsed.ok) return parsed.value;
  ctx.invalid(found.key, parsed.message);
  return undefined;
}

/** Go's strconv.ParseBool, which ingress-nginx uses. */
export function bool(text: string): Parsed<boolean> {
  const t = text.trim();
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(t)) return ok(true);
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(t)) return ok(false);
  return bad('must be "true" or "false"');
}

/** nginx `on` / `off` (booleans accepted too). */
export function onOff(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase();
  if (t === 'on') return ok(true);
  if (t === 'off') return ok(false);
  const b = bool(text);
  return b.ok ? b : bad('must be "on" or "off"');
}

export function integer(min: number, max: number): (text: string) => Parsed<number> {
  return (text) => {
    const t = text.trim();
    if (!/^-?\d+$/.test(t)) return bad('must be a whole number');
    const n = Number(t);
    if (n < min || n > max) return bad(`must be between ${min} and ${max}`);
    return ok(n);
  };
}

/** A non-negative number (fractions allowed), e.g. a percentage. */
export function decimal(min: number, max: number): (text: string) => Parsed<number> {
  return (text) => {
    const t = text.trim();
    if (!/^\d+(\.\d+)?$/.test(t)) return bad('must be a number');
    const n = Number(t);
    if (n < min || n > max) return bad(`must be between ${min} and ${max}`);
    return ok(n);
  };
}

const TIME_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** An nginx time: a plain number is seconds (`60`), or with a unit (`500ms`, `5s`, `1m`, `1h`); returns ms. */
export function seconds(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return bad('must be a number of seconds such as "5" or a time such as "500ms", "5s", "1m"');
  return ok(Math.round(Number(m[1]) * (TIME_UNIT_MS[m[2] ?? 's'] as number)));
}

const SIZE_MULTIPLIER: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** An nginx size (`8m`, `512k`, `1g`, or bytes); returns bytes. */
export function size(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text.trim());
  if (!m) return bad('must be a size such as "8m", "512k", "1g" or a number of bytes');
  return ok(Math.ceil(Number(m[1]) * (SIZE_MULTIPLIER[(m[2] ?? '').toLowerCase()] as number)));
}

/** Comma-separated items, trimmed, empty ones dropped. */
export function list(text: string, separator: string | RegExp = ','): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Whether `text` is an IPv4/IPv6 address or CIDR range. */
export function isCidr(text: string): boolean {
  const [ip, bits, extra] = text.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** A comma-separated list of IPs and CIDR ranges. */
export function cidrList(text: string): Parsed<string[]> {
  const items = list(text);
  if (items.length === 0) return bad('must list at least one IP address or CIDR range');
  const wrong = items.filter((i) => !isCidr(i));
  if (wrong.length) return bad(`${wrong.map((w) => `"${w}"`).join(', ')} ${wrong.length === 1 ? 'is not an IP address or CIDR range' : 'are not IP addresses or CIDR ranges'}`);
  return ok(items);
}

// nginx's PCRE features (lookarounds, backreferences) are not RE2: @tidegate/ir's one check decides.
export { regexProblem };

export function regex(text: string): Parsed<string> {
  const problem = regexProblem(text);
  return problem ? bad(problem) : ok(text);
}

/** `namespace/name` or `name` (in `defaultNamespace`). */
export function objectRef(defaultNamespace: string): (text: string) => Parsed<{ namespace: string; name: string }> {
  return (text) => {
    const m = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text.trim());
    if (!m) return bad('must be "namespace/name" or "name"');
    return ok({ namespace: m[1] ?? defaultNamespace, name: m[3] as string });
  };
}

/** `[namespace/]service[:port]`; port 0 means the Service's first port. */
export function serviceRef(defaultNamespace: string): (text: string) => Parsed<{ namespace: string; name: string; port: number }> {
  return (text) => {
    const [ref, port, extra] = text.trim().split(':');
    if (extra !== undefined || (port !== undefined && !/^\d+$/.test(port))) return bad('must be "[namespace/]service[:port]"');
    const obj = objectRef(defaultNamespace)(ref ?? '');
    if (!obj.ok) return bad('must be "[namespace/]service[:port]"');
    const p = port === undefined ? 0 : Number(port);
    if (port !== undefined && (p < 1 || p > 65535)) return bad('port must be between 1 and 65535');
    return ok({ ...obj.value, port: p });
  };
}

/** HTTP status codes as a comma-separated list. */
export function statusCodes(min: number, max: number): (text: string) => Parsed<number[]> {
  return (text) => {
    const items = list(text);
    if (items.length === 0) return bad('must list at least one status code');
    const codes = items.map(Number);
    const wrong = items.filter((_, i) => !(Number.isInteger(codes[i]) && (codes[i] as number) >= min && (codes[i] as number) <= max));
    if (wrong.length) return bad(`${wrong.map((w) => `"${w}"`).join(', ')} not a status code in ${min}-${max}`);
    return ok([...new Set(codes)]);
  };
}

export const valueOk = ok;
export const valueBad = bad;
