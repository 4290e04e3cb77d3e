// Hostname matching between listeners and routes (Gateway API wildcard rules).

/** Whether `host` (exact or `*.` wildcard) falls under `pattern`; a wildcard needs at least one more label. */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  return host.endsWith(suffix) && host.length > suffix.length;
}

/**
 * The hostnames a route serves on a listener: for each route hostname that
 * matches the listener's, the more specific of the two. `['*']` when neither
 * restricts; `[]` when they do not intersect.
 */
export function intersectHostnames(listener: string | undefined, route: readonly string[]): string[] {
  if (!listener) return route.length ? unique(route) : ['*'];
  if (!route.length) return [listener];
  const out: string[] = [];
  for (const r of route) {
    if (r === listener || hostnameMatches(listener, r)) out.push(r);
    else if (hostnameMatches(r, listener)) out.push(listener);
  }
  return unique(out);
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
