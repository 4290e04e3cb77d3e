// Request/response header add/set/remove, for routes and for weighted backends alike.
import { literalHeaderValue, type HeaderMutation } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';

type AppendAction = 'APPEND_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS_OR_ADD';

/** A `HeaderValueOption`; `value` is an Envoy substitution format (`%REQ(...)%`). */
export function headerValueOption(key: string, value: string, appendAction: AppendAction): EnvoyObject {
  return { header: { key, value }, append_action: appendAction };
}

/** `HeaderValueOption`s for a mutation: `add` appends, `set` overwrites. IR values are literals: `%` is escaped. */
export function headersToAdd(m: HeaderMutation | undefined): EnvoyObject[] | undefined {
  if (!m) return undefined;
  const out = [
    ...(m.add ?? []).map((h) => headerValueOption(h.name, literalHeaderValue(h.value), 'APPEND_IF_EXISTS_OR_ADD')),
    ...(m.set ?? []).map((h) => headerValueOption(h.name, literalHeaderValue(h.value), 'OVERWRITE_IF_EXISTS_OR_ADD')),
  ];
  return out.length ? out : undefined;
}

const removals = (m: HeaderMutation | undefined): string[] | undefined => (m?.remove?.length ? [...m.remove] : undefined);

/**
 * The four header fields Route, VirtualHost and WeightedCluster.ClusterWeight share
 * (`request_headers_to_add`, `..._to_remove`, `response_headers_to_add`, `..._to_remove`).
 */
export function headerMutationFields(request: HeaderMutation | undefined, response: HeaderMutation | undefined): EnvoyObject {
  const fields: EnvoyObject = {};
  const reqAdd = headersToAdd(request);
  const reqRemove = removals(request);
  const resAdd = headersToAdd(response);
  const resRemove = removals(response);
  if (reqAdd) fields.request_headers_to_add = reqAdd;
  if (reqRemove) fields.request_headers_to_remove = reqRemove;
  if (resAdd) fields.response_headers_to_add = resAdd;
  if (resRemove) fields.response_headers_to_remove = resRemove;
  return fields;
}
