// CA bundles referenced by Gateway API objects: `ca.crt` of a ConfigMap (core support) or a Secret.
import { caSecretName, resolveCaSecret, type ResourceIndex } from '../resources';
import { certificateProblem } from '../resources/pem-check';
import { ConfigMapKind } from './config-map';

/** A reference to a CA bundle, as Gateway API writes it (group and kind may be left to defaults by the caller). */
export interface CaRef {
  group: string;
  kind: string;
  name: string;
}

/** The PEM bundle, or why it cannot be used: `InvalidKind` for other kinds, `InvalidCACertificateRef` otherwise. */
export type CaBundle = { ok: true; pem: string; source: string } | { ok: false; reason: 'InvalidKind' | 'InvalidCACertificateRef'; message: string };

/** Loads `ca.crt` from a ConfigMap or Secret in `namespace`, checking every certificate parses. */
export function loadCaBundle(index: ResourceIndex, namespace: string, ref: CaRef): CaBundle {
  if (ref.group === '' && ref.kind === 'ConfigMap') {
    const cm = index.get(ConfigMapKind, namespace, ref.name);
    if (!cm) {
      const state = index.lookup(ConfigMapKind, namespace, ref.name);
      return bad(`ConfigMap ${namespace}/${ref.name} ${state === 'invalid' ? 'is invalid' : 'not found'}`);
    }
    const pem = cm.body.data?.['ca.crt'];
    if (pem === undefined) return bad(`ConfigMap ${namespace}/${ref.name} has no ca.crt`);
    const problem = certificateProblem(pem);
    if (problem) return bad(`ConfigMap ${namespace}/${ref.name}: ca.crt ${problem}`);
    return { ok: true, pem, source: `k8s/${namespace}/configmap/${ref.name}/ca.crt` };
  }
  if (ref.group === '' && ref.kind === 'Secret') {
    const r = resolveCaSecret(index, namespace, ref.name);
    if (!r.ok) return bad(r.message);
    return { ok: true, pem: r.secret.type === 'ca' ? r.secret.caCertificate : '', source: caSecretName(namespace, ref.name) };
  }
  return { ok: false, reason: 'InvalidKind', message: `CA certificate kind ${ref.group ? `${ref.group}/` : ''}${ref.kind} is not supported; use a ConfigMap or Secret with ca.crt` };
}

const bad = (message: string): CaBundle => ({ ok: false, reason: 'InvalidCACertificateRef', message });
