// Core Secrets as IR secrets: TLS key pairs (kubernetes.io/tls) and CA bundles (`ca.crt`).
import { z } from 'zod';
import type { Secret } from '@tidegate/ir';
import { defineKind } from './kind-schema';
import { certificateProblem, keyPairProblem } from './pem-check';
import type { Resource, ResourceIndex } from './resource-index';

export const SecretKind = defineKind({
  group: '',
  kind: 'Secret',
  versions: ['v1'],
  body: z.strictObject({
    type: z.string().optional(),
    data: z.record(z.string(), z.string()).optional(),
    stringData: z.record(z.string(), z.string()).optional(),
    immutable: z.boolean().optional(),
  }),
});

type SecretResource = Resource<z.output<typeof SecretKind.body>>;

export type SecretResolution = { ok: true; secret: Secret } | { ok: false; message: string };

const TLS_TYPE = 'kubernetes.io/tls';
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** IR name of the key pair made from Secret `namespace/name`. */
export const certificateSecretName = (namespace: string, name: string): string => `k8s/${namespace}/${name}`;
/** IR name of the CA bundle made from Secret `namespace/name`. */
export const caSecretName = (namespace: string, name: string): string => `k8s/${namespace}/${name}/ca.crt`;

/** A `kubernetes.io/tls` Secret's `tls.crt` and `tls.key` as an IR certificate. */
export function resolveCertificateSecret(index: ResourceIndex, namespace: string, name: string): SecretResolution {
  const found = findSecret(index, namespace, name);
  if (!found.ok) return found;
  const res = found.secret;
  if ((res.body.type ?? 'Opaque') !== TLS_TYPE) {
    return { ok: false, message: `Secret ${namespace}/${name} has type ${res.body.type ?? 'Opaque'}, expected ${TLS_TYPE}` };
  }
  const chain = secretValue(res, 'tls.crt');
  const key = secretValue(res, 'tls.key');
  if (!chain.ok) return chain;
  if (!key.ok) return key;
  const problem = keyPairProblem(chain.value, key.value);
  if (problem) return { ok: false, message: `Secret ${namespace}/${name}: ${problem}` };
  return {
    ok: true,
    secret: { name: certificateSecretName(namespace, name), type: 'certificate', certificateChain: chain.value, privateKey: key.value },
  };
}

/** A Secret's `ca.crt` (any type) as an IR CA bundle. */
export function resolveCaSecret(index: ResourceIndex, namespace: string, name: string): SecretResolution {
  const found = findSecret(index, namespace, name);
  if (!found.ok) return found;
  const ca = secretValue(found.secret, 'ca.crt');
  if (!ca.ok) return ca;
  const problem = certificateProblem(ca.value);
  if (problem) return { ok: false, message: `Secret ${namespace}/${name}: ca.crt ${problem}` };
  return { ok: true, secret: { name: caSecretName(namespace, name), type: 'ca', caCertificate: ca.value } };
}

function findSecret(index: ResourceIndex, namespace: string, name: string): { ok: true; secret: SecretResource } | { ok: false; message: string } {
  const secret = index.get(SecretKind, namespace, name);
  if (secret) return { ok: true, secret };
  const state = index.lookup(SecretKind, namespace, name);
  return { ok: false, message: `Secret ${namespace}/${name} ${state === 'invalid' ? 'is invalid' : 'not found'}` };
}

/** `stringData` wins over `data` (as the API server merges them); `data` is base64. */
function secretValue(res: SecretResource, key: string): { ok: true; value: string } | { ok: false; message: string } {
  const plain = res.body.stringData?.[key];
  if (plain !== undefined) return { ok: true, value: plain };
  const encoded = res.body.data?.[key];
  if (encoded === undefined) return { ok: false, message: `Secret ${res.namespace}/${res.name} has no ${key}` };
  if (!BASE64.test(encoded)) return { ok: false, message: `Secret ${res.namespace}/${res.name}: data.${key} is not base64` };
  return { ok: true, value: Buffer.from(encoded, 'base64').toString('utf8') };
}
