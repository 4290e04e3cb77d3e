// The `apiKey` section of SecurityPolicy: Higress key-auth's consumers, key locations and allow list, keys read from Secrets.
import { z } from 'zod';
import { addedHeaderNameProblem, headerNameProblem, headerSafeProblem, type ApiKeyAuth } from '@tidegate/ir';
import type { ResourceIndex } from '../resources';
import { readSecretData } from '../resources/secret-data';

/** Higress key-auth names the consumer upstream in this header. */
export const DEFAULT_CONSUMER_HEADER = 'x-mse-consumer';

/** The Secret key read when `secretRef.key` is absent. */
export const DEFAULT_SECRET_KEY = 'key';

const nameSchema = z.string().min(1);

export const securityPolicyApiKeySchema = z
  .strictObject({
    /** The consumers (Higress `consumers`): a name, and the Secret (in the policy's namespace) holding its key. */
    credentials: z
      .array(z.strictObject({ name: nameSchema, secretRef: z.strictObject({ name: nameSchema, key: nameSchema.optional() }) }))
      .min(1)
      .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'consumer names must be unique'),
    /** Where the key is read, in order (Higress `keys` with `in_header` / `in_query`); the first present is checked. */
    keys: z.array(z.union([z.strictObject({ header: nameSchema }), z.strictObject({ query: nameSchema })])).min(1),
    /** Consumers let through (Higress `allow`); others with a valid key get 403. Absent: every consumer. */
    allow: z.array(nameSchema).min(1).optional(),
    /** Request header carrying the consumer's name upstream; default `x-mse-consumer` (Higress's). */
    forwardConsumerHeader: nameSchema.optional(),
  })
  .superRefine((a, ctx) => {
    const names = new Set(a.credentials.map((c) => c.name));
    a.allow?.forEach((name, i) => {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['allow', i], message: `no credential names consumer "${name}"` });
    });
  });

export type ApiKeySpec = z.output<typeof securityPolicyApiKeySchema>;

/** Control characters a header or query value cannot carry. */
const UNSENDABLE = /[\0\r\n]/;

/**
 * The IR setting of `spec`, each consumer's key read from its Secret. A missing Secret or key,
 * an empty key, one with a line break (an `echo` without `-n`) or a key two consumers share
 * makes the policy unusable, naming the field; messages never include a key.
 */
export function resolveApiKey(index: ResourceIndex, namespace: string, spec: ApiKeySpec): { ok: true; apiKey: ApiKeyAuth } | { ok: false; field: string; message: string } {
  for (const [i, k] of spec.keys.entries()) {
    const problem = 'header' in k ? headerNameProblem(k.header) : headerSafeProblem(k.query);
    if (problem) return { ok: false, field: `spec.apiKey.keys[${i}].${'header' in k ? 'header' : 'query'}`, message: problem };
  }
  for (const [i, c] of spec.credentials.entries()) {
    const problem = headerSafeProblem(c.name);
    if (problem) return { ok: false, field: `spec.apiKey.credentials[${i}].name`, message: `${problem} (the name is sent upstream in a header)` };
  }
  const header = spec.forwardConsumerHeader ?? DEFAULT_CONSUMER_HEADER;
  const headerProblem = addedHeaderNameProblem(header);
  if (headerProblem) return { ok: false, field: 'spec.apiKey.forwardConsumerHeader', message: headerProblem };
  const credentials: ApiKeyAuth['credentials'] = [];
  const owner = new Map<string, number>();
  for (const [i, c] of spec.credentials.entries()) {
    const field = `spec.apiKey.credentials[${i}].secretRef`;
    const data = readSecretData(index, namespace, c.secretRef.name);
    if (!data.ok) return { ok: false, field, message: data.message };
    const secretKey = c.secretRef.key ?? DEFAULT_SECRET_KEY;
    const key = data.data[secretKey];
    const where = `Secret ${namespace}/${c.secretRef.name} key ${secretKey}`;
    if (key === undefined) return { ok: false, field: `${field}.key`, message: `${where} not found` };
    if (key === '') return { ok: false, field: `${field}.key`, message: `${where} is empty` };
    if (UNSENDABLE.test(key)) return { ok: false, field: `${field}.key`, message: `${where} contains a NUL, CR or LF character (a trailing newline?)` };
    const first = owner.get(key);
    if (first !== undefined) return { ok: false, field, message: `${where} holds the same key as credentials[${first}] (consumer ${spec.credentials[first]!.name})` };
    owner.set(key, i);
    credentials.push({ client: c.name, key });
  }
  const apiKey: ApiKeyAuth = {
    credentials,
    sources: spec.keys.map((k) => ('header' in k ? { header: k.header } : { query: k.query })),
    forwardClientHeader: header,
  };
  if (spec.allow) apiKey.allow = spec.allow;
  return { ok: true, apiKey };
}
