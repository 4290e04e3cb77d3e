// IR validation at a translator's end: what fails is left out, named by the object it came from; the group stays.
import type { Issue, SourceRef } from '@tidegate/common';
import { validateProxyGroup, type ProxyGroup, type VirtualHost } from '@tidegate/ir';
import { routeOrigin, type RouteOrigin } from './route-origin';
import type { ErrorSink, ObjectRef } from './translation-error';

/** Code of the errors for objects left out because what they became failed the IR checks. */
export const CHECK_FAILED_CODE = 'config-check-failed';

/** One IR issue and the object it was traced to (none when it lies outside every route). */
export interface LeftOut {
  issue: Issue;
  origin?: RouteOrigin;
}

export type CheckedGroup = { ok: true; group: ProxyGroup; leftOut: LeftOut[] } | { ok: false; issues: Issue[] };

/** Rounds of leaving out: removing a backend can make the routes that named it fail next. */
const MAX_ROUNDS = 8;

/**
 * The group when it passes `validateProxyGroup`; otherwise the group without what failed:
 * every route of an object one of whose routes failed (the object is left out, not half
 * served), a failing virtual host, listener or backend by itself. Fails only for an issue
 * that no single part can be blamed for (e.g. two backends of one name).
 */
export function checkedProxyGroup(group: ProxyGroup): CheckedGroup {
  const leftOut: LeftOut[] = [];
  let current = group;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const checked = validateProxyGroup(current);
    if (checked.ok) return { ok: true, group: current, leftOut };
    const cut = new Cut();
    for (const issue of checked.issues) {
      const at = locate(current, issue.path);
      if (!at) return { ok: false, issues: checked.issues };
      leftOut.push(at.route ? { issue, ...withOrigin(routeOrigin(at.route.name)) } : { issue });
      cut.add(at);
    }
    current = cut.apply(current);
  }
  const last = validateProxyGroup(current);
  return last.ok ? { ok: true, group: current, leftOut } : { ok: false, issues: last.issues };
}

const withOrigin = (origin: RouteOrigin | undefined): { origin?: RouteOrigin } => (origin ? { origin } : {});

interface Located {
  /** The element to leave out (a listener, virtual host or backend). */
  element?: object;
  route?: { name: string };
}

const PATH = /^\.(httpListeners|tcpListeners|grpcApiListeners|backends)\[(\d+)\](?:\.(virtualHosts|routes)\[(\d+)\](?:\.routes\[(\d+)\])?)?/;

/** The part of `group` an issue path points into (paths start with the group's name). */
function locate(group: ProxyGroup, path: string): Located | undefined {
  if (!path.startsWith(group.name)) return undefined;
  const m = PATH.exec(path.slice(group.name.length));
  if (!m) return undefined;
  const [, list, i, inner, j, k] = m;
  const listener = (group[list as 'httpListeners' | 'tcpListeners' | 'grpcApiListeners' | 'backends'] as object[])[Number(i)];
  if (!listener) return undefined;
  if (list === 'backends' || inner === undefined) return { element: listener };
  if (inner === 'routes') {
    const route = (listener as { routes: Array<{ name: string }> }).routes[Number(j)];
    return route ? { route } : undefined;
  }
  const vh = (listener as { virtualHosts: VirtualHost[] }).virtualHosts[Number(j)];
  if (!vh) return undefined;
  if (k === undefined) return { element: vh };
  const route = vh.routes[Number(k)];
  return route ? { route } : undefined;
}

/** What one round leaves out: elements by identity, routes by origin object (or by identity). */
class Cut {
  private readonly elements = new Set<object>();
  private readonly objects = new Set<string>();

  addObject(key: string): void {
    this.objects.add(key);
  }

  add(at: Located): void {
    if (at.element) this.elements.add(at.element);
    if (!at.route) return;
    const origin = routeOrigin(at.route.name);
    if (origin) this.objects.add(originKey(origin));
    else this.elements.add(at.route);
  }

  private keeps = (r: { name: string }): boolean => {
    if (this.elements.has(r)) return false;
    const origin = routeOrigin(r.name);
    return !(origin && this.objects.has(originKey(origin)));
  };

  private host = (vh: VirtualHost): VirtualHost => {
    const routes = vh.routes.filter(this.keeps);
    return routes.length === vh.routes.length ? vh : { ...vh, routes };
  };

  apply(g: ProxyGroup): ProxyGroup {
    const kept = <T extends object>(list: T[]): T[] => list.filter((e) => !this.elements.has(e));
    return {
      ...g,
      httpListeners: kept(g.httpListeners).map((l) => ({ ...l, virtualHosts: kept(l.virtualHosts).map(this.host) })),
      tcpListeners: kept(g.tcpListeners).map((l) => ({ ...l, routes: l.routes.filter(this.keeps) })),
      grpcApiListeners: kept(g.grpcApiListeners).map((l) => ({ ...l, virtualHosts: kept(l.virtualHosts).map(this.host) })),
      backends: kept(g.backends),
    };
  }
}

/** `kind/namespace/name` of a route's origin (the key providers give the object). */
export const originKey = (o: RouteOrigin): string => `${o.ref.kind}/${o.ref.namespace ?? ''}/${o.ref.name}`;

/** The group without any route of the objects keyed `objects` (`kind/namespace/name`). */
export function withoutObjects(group: ProxyGroup, objects: ReadonlySet<string>): ProxyGroup {
  const cut = new Cut();
  for (const key of objects) cut.addObject(key);
  return cut.apply(group);
}

/** The message of a left-out object's error: the IR check that failed, by its IR path. */
export function leftOutMessage(l: LeftOut): string {
  return `left out: what it configures failed Tidegate's checks (${l.issue.path}: ${l.issue.message})`;
}

/**
 * Reports what `checkedProxyGroup` left out: on the object a route came from, at the field
 * that made it; an issue outside every route on `owner` (the Gateway, or the default group).
 */
export function reportLeftOut(sink: ErrorSink, leftOut: readonly LeftOut[], owner: { ref: ObjectRef; source?: SourceRef }): void {
  for (const l of leftOut) {
    if (l.origin) sink.add({ ref: l.origin.ref }, l.origin.field, CHECK_FAILED_CODE, leftOutMessage(l));
    else sink.add(owner, '', CHECK_FAILED_CODE, `${l.issue.path}: ${l.issue.message}; that part is left out`);
  }
}
