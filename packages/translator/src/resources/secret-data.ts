// Any key of a Secret as text, whatever its type, and key pairs / CA bundles read from named keys.
import type { Secret } from '@tidegate/ir';
import { certificateProblem, keyPairProblem } from './pem-check';
import type { ResourceIndex } from './resource-index';
import { SecretKind, caSecretName, certificateSecretName } from './secret';

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export type SecretData = { ok: true; data: Record<string, string> } | { ok: false; message: string };

/**
 * Every key of Secret `namespace/name` decoded to text: `stringData` wins over `data`
 * (as the API server merges them). Unlike the TLS helpers, the Secret's type does not matter.
 */
export function readSecretData(index: ResourceIndex, namespace: string, name: string): SecretData {
  const secret = index.get(SecretKind, namespace, name);
  if (!secret) {
    const state = index.lookup(SecretKind, namespace, name);
    return { ok: false, message: `Secret ${namespace}/${name} ${state === 'invalid' ? 'is invalid' : 'not found'}` };
  }
  const data: Record<string, string> = {};
  for (const [key, encoded] of Object.entries(secret.body.data ?? {})) {
    if (!BASE64.test(encoded)) return { ok: false, message: `Secret ${namespace}/${name}: data.${key} is not base64` };
    data[key] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  Object.assign(data, secret.body.stringData ?? {});
  return { ok: true, data };
}

/** `tls.crt` + `tls.key` of a Secret of any type as an IR certificate, or undefined when it has neither. */
export function keyPairFromData(namespace: string, name: string, data: Record<string, string>): { secret?: Secret; problem?: string } {
  const chain = data['tls.crt'];
  const key = data['tls.key'];
  if (chain === undefined && key === undefined) return {};
  if (chain === undefined || key === undefined) return { problem: `Secret ${namespace}/${name} has ${chain === undefined ? 'tls.key but no tls.crt' : 'tls.crt but no tls.key'}` };
  const problem = keyPairProblem(chain, key);
  if (problem) return { problem: `Secret ${namespace}/${name}: ${problem}` };
  return { secret: { name: certificateSecretName(namespace, name), type: 'certificate', certificateChain: chain, privateKey: key } };
}

/** The CA bundle under one of `keys` (first present wins) as an IR CA secret, or undefined when none is there. */
export function caFromData(namespace: string, name: string, data: Record<string, string>, keys: readonly string[]): { secret?: Secret; problem?: string } {
  const key = keys.find((k) => data[k] !== undefined);
  if (key === undefined) return {};
  const pem = data[key] as string;
  const problem = certificateProblem(pem);
  if (problem) return { problem: `Secret ${namespace}/${name}: ${key} ${problem}` };
  const irName = key === 'ca.crt' ? caSecretName(namespace, name) : `k8s/${namespace}/${name}/${key}`;
  return { secret: { name: irName, type: 'ca', caCertificate: pem } };
}
