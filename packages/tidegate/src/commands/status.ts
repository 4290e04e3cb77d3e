// `tidegate status [KIND/NAME]`: asks a running control plane's admin endpoint for status, as a table or JSON.
import { Command, Option } from 'commander';
import { redactSecrets } from '@tidegate/common';
import { hostPort } from './options';
import { formatTable } from './table';

interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}
interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
/** What `/debug/status` answers. */
export interface StatusReport {
  statuses: Array<ObjectRef & { status: Record<string, unknown> }>;
  errors: Array<{ object: ObjectRef; source?: { file?: string }; path: string; code?: string; message: string }>;
}
interface AnnotationFinding {
  ingress: { namespace: string; name: string };
  annotation: string;
  support: string;
  message: string;
}

/** Conditions whose `False` means the object does not (fully) work. */
const MUST_HOLD = new Set(['Accepted', 'Programmed', 'ResolvedRefs']);

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'print status conditions and configuration errors from a running control plane; exit code 1 when there are errors, the object does not exist, or an Accepted/Programmed/ResolvedRefs condition is False',
    )
    .argument('[kind/name]', 'only this object, e.g. HTTPRoute/web or Gateway/default/gw')
    .option('--admin <host:port>', 'control plane admin address', hostPort, { host: '127.0.0.1', port: 15014 })
    .addOption(new Option('-o, --output <format>', 'table, or json for the raw report').choices(['table', 'json']).default('table'))
    .action(async (filter: string | undefined, flags: { admin: { host: string; port: number }; output: 'table' | 'json' }) => {
      const base = `http://${flags.admin.host.includes(':') ? `[${flags.admin.host}]` : flags.admin.host}:${flags.admin.port}`;
      const report = await fetchJson<StatusReport>(base, '/debug/status');
      const matches = objectFilter(filter);
      const { statuses, errors, failing, missing, exitCode } = statusVerdict(report, filter);
      const out: { statuses: StatusReport['statuses']; errors: StatusReport['errors']; annotations?: AnnotationFinding[] } = { statuses, errors };
      // For Ingresses, also what became of each annotation (supported, partly, unsupported, invalid).
      if (filter?.split('/')[0]?.toLowerCase() === 'ingress') {
        const { findings } = await fetchJson<{ findings: AnnotationFinding[] }>(base, '/debug/ingress');
        out.annotations = findings.filter((f) => matches({ kind: 'Ingress', ...f.ingress }));
      }
      // The admin endpoint redacts already; this keeps an older one's answer from printing secrets.
      if (flags.output === 'json') process.stdout.write(JSON.stringify(redactSecrets(out), null, 2) + '\n');
      else process.stdout.write(renderTables(redactSecrets(out), failing));
      if (missing) process.stderr.write(`tidegate: no ${filter} in the control plane's status (${report.statuses.length} objects there; names are KIND/NAME or KIND/NAMESPACE/NAME)\n`);
      process.exitCode = exitCode;
    });
}

/**
 * What `tidegate status [filter]` shows of a status report, and its exit code: 1 when the
 * filter names nothing, or an object shown has an error or a False Accepted, Programmed or
 * ResolvedRefs condition (anywhere in its status: top level, listeners, parents).
 */
export function statusVerdict(report: StatusReport, filter?: string) {
  const matches = objectFilter(filter);
  const statuses = report.statuses.filter(matches);
  const errors = report.errors.filter((e) => matches(e.object));
  const failing = statuses.flatMap((s) => conditionsOf(s.status).filter((c) => MUST_HOLD.has(c.type) && c.status === 'False').map((c) => ({ object: s as ObjectRef, ...c })));
  const missing = filter !== undefined && statuses.length === 0 && errors.length === 0;
  return { statuses, errors, failing, missing, exitCode: missing || errors.length > 0 || failing.length > 0 ? 1 : 0 };
}

/** `KIND/NAME` or `KIND/NAMESPACE/NAME`, kind case-insensitive; no filter matches everything. */
function objectFilter(filter: string | undefined): (o: ObjectRef) => boolean {
  if (!filter) return () => true;
  const [kind, ...rest] = filter.split('/');
  const name = rest.join('/');
  return (o) => o.kind.toLowerCase() === kind!.toLowerCase() && (name === o.name || name === `${o.namespace}/${o.name}`);
}

/** GET an admin endpoint; an unreachable or foreign endpoint is a clear error, not a stack trace. */
async function fetchJson<T>(base: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(base + path, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new Error(
      `cannot reach the control plane's admin endpoint at ${base} (${why}). Is Tidegate running there? Point --admin HOST:PORT at its --admin-address/--admin-port (in a cluster: kubectl port-forward to the controller pod's admin port first)`,
    );
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`the admin endpoint at ${base}${path} answered ${res.status}: ${body.trim().slice(0, 200)}`);
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new Error(`${base}${path} did not answer JSON: is that a Tidegate admin port?`);
  }
}

/** Every condition in a status body with where it sits: top level, or a listener / parent named by `name` or `parentRef.name`. */
function conditionsOf(status: Record<string, unknown>, where = ''): Array<Condition & { where: string }> {
  const out: Array<Condition & { where: string }> = [];
  for (const [key, value] of Object.entries(status)) {
    if (!Array.isArray(value)) continue;
    if (key === 'conditions') {
      for (const c of value as Condition[]) out.push({ ...c, where });
      continue;
    }
    value.forEach((item: unknown, i) => {
      if (!item || typeof item !== 'object') return;
      const o = item as { name?: unknown; parentRef?: { name?: unknown; namespace?: unknown } };
      const label = typeof o.name === 'string' ? o.name : o.parentRef ? [o.parentRef.namespace, o.parentRef.name].filter(Boolean).join('/') : String(i);
      out.push(...conditionsOf(item as Record<string, unknown>, `${where}${singular(key)} ${label}: `));
    });
  }
  return out;
}

const singular = (key: string): string => key.replace(/s$/, '');

function renderTables(
  out: { statuses: StatusReport['statuses']; errors: StatusReport['errors']; annotations?: AnnotationFinding[] },
  failing: Array<Condition & { where: string; object: ObjectRef }>,
): string {
  const parts: string[] = [];
  const name = (o: ObjectRef) => (o.namespace ? `${o.namespace}/${o.name}` : o.name);
  if (out.statuses.length) {
    const rows = out.statuses.map((s) => {
      const groups = new Map<string, string[]>();
      for (const c of conditionsOf(s.status)) groups.set(c.where, [...(groups.get(c.where) ?? []), c.status === 'True' ? c.type : `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`]);
      const conditions = [...groups].map(([where, cs]) => where + cs.join(', ')).join('; ');
      return [s.kind, name(s), conditions || '-'];
    });
    parts.push(formatTable(['KIND', 'NAME', 'CONDITIONS'], rows));
  } else parts.push('no objects\n');
  if (failing.length) {
    parts.push(formatTable(['NOT TRUE', 'OBJECT', 'WHY'], failing.map((f) => [`${f.where}${f.type}`, `${f.object.kind} ${name(f.object)}`, `${f.reason ?? ''}: ${f.message ?? ''}`])));
  }
  if (out.errors.length) {
    parts.push(formatTable(['ERROR', 'OBJECT', 'FILE', 'FIELD', 'MESSAGE'], out.errors.map((e) => [e.code ?? '', `${e.object.kind} ${name(e.object)}`, e.source?.file ?? '-', e.path || '-', e.message])));
  }
  if (out.annotations?.length) {
    parts.push(formatTable(['ANNOTATION', 'SUPPORT', 'WHAT BECAME OF IT'], out.annotations.map((f) => [f.annotation, f.support, f.message])));
  }
  return parts.join('\n');
}
