// Encoding and cross-checking a translation before it is published.
import { type EncodedResource, type ResourceSet, TypeUrl, encodeResourceByParts, encodeResourceCached } from '@tidegate/envoy-api';
import { type Issue, type Result, fail, ok } from '@tidegate/common';
import { checkReferences } from './references';
import { COLLECTIONS, type EnvoyResources, resourceName } from './resources';

/**
 * Encodes every resource (unknown fields and bad enums are errors) and checks the set is
 * self-consistent: routes name existing clusters, listeners existing route configurations
 * and secrets, EDS clusters have load assignments, names are unique per type. Issue paths
 * read `<collection>[<name>].<field path>`. A failure is a system error: callers keep the
 * last good snapshot.
 */
export function buildResourceSet(res: EnvoyResources): Result<ResourceSet> {
  const issues: Issue[] = [];
  const set = new Map<string, Map<string, EncodedResource>>();
  for (const { key, typeUrl, nameField } of COLLECTIONS) {
    const byName = new Map<string, EncodedResource>();
    res[key].forEach((resource, i) => {
      const name = resourceName(resource, nameField);
      if (name === undefined) {
        issues.push({ code: 'missing-name', path: `${key}[${i}].${nameField}`, message: `resource has no ${nameField}` });
        return;
      }
      if (byName.has(name)) {
        issues.push({ code: 'duplicate-name', path: `${key}[${name}]`, message: `"${name}" appears more than once` });
        return;
      }
      // Unchanged objects (the translator reuses them) are not checked or encoded again.
      const encoded =
        typeUrl === TypeUrl.RouteConfiguration
          ? encodeResourceByParts(typeUrl, name, resource as Record<string, unknown>, 'virtual_hosts')
          : encodeResourceCached(typeUrl, name, resource);
      if (encoded.ok) byName.set(name, encoded.value);
      else issues.push(...encoded.issues.map((issue) => relocate(issue, key, name)));
    });
    set.set(typeUrl, byName);
  }
  issues.push(...checkReferences(res));
  return issues.length ? fail(...issues) : ok(set);
}

/** `name:field.path` from encodeResource → `collection[name].field.path`. */
function relocate(issue: Issue, key: string, name: string): Issue {
  const field = issue.path.startsWith(`${name}:`) ? issue.path.slice(name.length + 1) : issue.path === name ? '' : issue.path;
  return { ...issue, path: field ? `${key}[${name}].${field}` : `${key}[${name}]` };
}
