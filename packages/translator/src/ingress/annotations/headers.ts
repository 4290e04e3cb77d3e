// Header control: Higress request/response header add/update/remove, ingress-nginx proxy-set-headers and custom-headers.
import { addedHeaderNameProblem, headerValueProblem, mutableHeaderNameProblem, type HeaderMutation } from '@tidegate/ir';
import { annotation, type AnnotationDef, type AnnotationGroup, type AnnotationReader, type GroupContext } from './annotation';
import { list, objectRef, read, type Parsed } from './values';

export interface HeaderSettings {
  request?: HeaderMutation;
  response?: HeaderMutation;
}

const higress = (dir: 'request' | 'response', op: 'add' | 'update' | 'remove'): AnnotationDef =>
  annotation(
    `${dir}-header-control-${op}`,
    'supported',
    op === 'remove'
      ? `${dir} headers removed (comma-separated names)`
      : `${dir} headers ${op === 'add' ? 'appended' : 'replaced'}: one "name value" per line (names and values may be quoted, "..." or '...': Higress strips the quotes)`,
    { higressOnly: true },
  );

const REQ_ADD = higress('request', 'add');
const REQ_UPDATE = higress('request', 'update');
const REQ_REMOVE = higress('request', 'remove');
const RES_ADD = higress('response', 'add');
const RES_UPDATE = higress('response', 'update');
const RES_REMOVE = higress('response', 'remove');
const PROXY_SET_HEADERS = annotation('proxy-set-headers', 'supported', '`namespace/name` ConfigMap whose entries are set as request headers', {
  limits: 'values with nginx variables ($...) cannot be expressed: they are left out and reported (partly supported)',
});
const CUSTOM_HEADERS = annotation('custom-headers', 'supported', '`namespace/name` ConfigMap whose entries are set as response headers', {
  limits: 'values with nginx variables ($...) cannot be expressed: they are left out and reported (partly supported)',
});
const X_FORWARDED_PREFIX = annotation('x-forwarded-prefix', 'supported', 'sets the X-Forwarded-Prefix request header to the value');
const CONNECTION_PROXY_HEADER = annotation('connection-proxy-header', 'unsupported', 'Envoy manages the upstream Connection header itself');

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Why a header cannot be set or removed: not an HTTP token, or refused by Envoy (`host`, pseudo-headers). */
const nameProblem = (name: string): string | undefined => (HEADER_NAME.test(name) ? mutableHeaderNameProblem(name) : 'is not a header name');

/** Higress drops one pair of enclosing double or single quotes from a header name and from its value. */
function unquote(text: string): string {
  const q = text[0];
  return text.length >= 2 && (q === '"' || q === "'") && text.endsWith(q) ? text.slice(1, -1) : text;
}

function headerLines(text: string): Parsed<Array<{ name: string; value: string }>> {
  const out: Array<{ name: string; value: string }> = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    // Like Higress: the name ends at the first whitespace, then each part loses its quotes.
    const m = /^(\S+)\s+(.*)$/.exec(line);
    const name = m ? unquote(m[1] as string) : '';
    if (!m || !HEADER_NAME.test(name)) return { ok: false, message: `"${line}" is not "name value"` };
    const value = unquote((m[2] as string).trim());
    const problem = nameProblem(name) ?? addedHeaderNameProblem(name) ?? headerValueProblem(value);
    if (problem) return { ok: false, message: `"${line}": ${problem}` };
    out.push({ name: name.toLowerCase(), value });
  }
  return out.length ? { ok: true, value: out } : { ok: false, message: 'must have at least one "name value" line' };
}

function headerNames(text: string): Parsed<string[]> {
  const names = list(text);
  const wrong = names.filter((n) => nameProblem(n));
  if (names.length === 0) return { ok: false, message: 'must name at least one header' };
  if (wrong.length) return { ok: false, message: wrong.map((n) => `${n} ${nameProblem(n)}`).join('; ') };
  return { ok: true, value: names.map((n) => n.toLowerCase()) };
}

/** Entries of the ConfigMap an annotation names, without values nginx would expand. */
function configMapHeaders(a: AnnotationReader, def: AnnotationDef, ctx: GroupContext): Array<{ name: string; value: string }> | undefined {
  const ref = read(a, def, ctx, objectRef(ctx.namespace));
  const found = a.get(def);
  if (!ref || !found) return undefined;
  const data = ctx.lookups.configMapData(ref.namespace, ref.name);
  if (!data.ok) {
    ctx.broken(found.key, data.message);
    return undefined;
  }
  const out: Array<{ name: string; value: string }> = [];
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(data.data).sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (nameProblem(name) || headerValueProblem(value) || value.includes('$')) skipped.push(name);
    else out.push({ name: name.toLowerCase(), value });
  }
  if (skipped.length) ctx.remark(found.key, `left out (nginx variables, or names or values Envoy refuses): ${skipped.join(', ')}`, true);
  return out;
}

function mutation(add?: Array<{ name: string; value: string }>, set?: Array<{ name: string; value: string }>, remove?: string[]): HeaderMutation | undefined {
  const m: HeaderMutation = {};
  if (add?.length) m.add = add;
  if (set?.length) m.set = set;
  if (remove?.length) m.remove = remove;
  return Object.keys(m).length ? m : undefined;
}

export const headersGroup: AnnotationGroup<HeaderSettings> = {
  id: 'headers',
  annotations: [REQ_ADD, REQ_UPDATE, REQ_REMOVE, RES_ADD, RES_UPDATE, RES_REMOVE, PROXY_SET_HEADERS, CUSTOM_HEADERS, X_FORWARDED_PREFIX, CONNECTION_PROXY_HEADER],
  parse(a, ctx) {
    const requestSet = [...(configMapHeaders(a, PROXY_SET_HEADERS, ctx) ?? []), ...(read(a, REQ_UPDATE, ctx, headerLines) ?? [])];
    const prefix = read(a, X_FORWARDED_PREFIX, ctx, (t) =>
      !t.trim() || t.includes('$') ? { ok: false, message: 'must be a path (nginx variables are not supported)' } : headerValueProblem(t.trim()) ? { ok: false, message: headerValueProblem(t.trim()) as string } : { ok: true, value: t.trim() },
    );
    if (prefix) requestSet.push({ name: 'x-forwarded-prefix', value: prefix });
    const responseSet = [...(configMapHeaders(a, CUSTOM_HEADERS, ctx) ?? []), ...(read(a, RES_UPDATE, ctx, headerLines) ?? [])];
    const s: HeaderSettings = {};
    const request = mutation(read(a, REQ_ADD, ctx, headerLines), requestSet, read(a, REQ_REMOVE, ctx, headerNames));
    if (request) s.request = request;
    const response = mutation(read(a, RES_ADD, ctx, headerLines), responseSet, read(a, RES_REMOVE, ctx, headerNames));
    if (response) s.response = response;
    return Object.keys(s).length ? s : undefined;
  },
  route(s, route) {
    if (s.request) route.requestHeaders = s.request;
    if (s.response) route.responseHeaders = s.response;
  },
};
