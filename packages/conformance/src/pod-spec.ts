// What a Pod asks of the node, made local: its container's environment and the files of its Secret/ConfigMap volumes.
import * as path from 'node:path';

/** The parts of a Pod the local runner reads. */
export interface PodObject {
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    nodeName?: string;
    serviceAccountName?: string;
    containers: Array<{
      name: string;
      image: string;
      args?: string[];
      env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } }>;
      volumeMounts?: Array<{ name: string; mountPath: string }>;
      ports?: Array<{ containerPort: number; protocol?: string }>;
    }>;
    volumes?: Array<{ name: string; secret?: { secretName: string; items?: KeyToPath[] }; configMap?: { name: string; items?: KeyToPath[] } }>;
  };
}

interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

interface KeyToPath {
  key: string;
  path: string;
}

/** Reads a Secret's or ConfigMap's data as decoded strings (undefined when it does not exist). */
export type DataSource = (kind: 'Secret' | 'ConfigMap', namespace: string, name: string) => Promise<Record<string, Buffer> | undefined>;

/** A file a volume contributes: `relPath` under the volume's local folder. */
export interface VolumeFile {
  volume: string;
  relPath: string;
  content: Buffer;
}

/** The value of `fieldPath` (the Downward API fields a container env may name). */
export function fieldValue(pod: PodObject, fieldPath: string, podIP: string): string | undefined {
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (label) return pod.metadata[label[1] as 'labels' | 'annotations']?.[label[2]!];
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'spec.nodeName':
      return pod.spec.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return podIP;
    default:
      return undefined;
  }
}

/**
 * The first container's environment. Values under a volume's mountPath are rewritten to the
 * volume's local folder: there is no mount namespace per Pod, so files live in `volumesDir`.
 */
export async function containerEnv(pod: PodObject, podIP: string, volumesDir: string, data: DataSource): Promise<Record<string, string>> {
  const container = pod.spec.containers[0]!;
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    let value: string | undefined = e.value;
    const from = e.valueFrom;
    if (from?.fieldRef) value = fieldValue(pod, from.fieldRef.fieldPath, podIP);
    const ref = from?.secretKeyRef ?? from?.configMapKeyRef;
    if (ref) value = (await data(from?.secretKeyRef ? 'Secret' : 'ConfigMap', ns, ref.name))?.[ref.key]?.toString('utf8');
    if (value === undefined) continue;
    env[e.name] = localPath(value, container.volumeMounts ?? [], volumesDir);
  }
  return env;
}

/** `value` with a leading mountPath replaced by the volume's folder under `volumesDir`. */
export function localPath(value: string, mounts: ReadonlyArray<{ name: string; mountPath: string }>, volumesDir: string): string {
  for (const m of mounts) {
    const mount = m.mountPath.replace(/\/+$/, '');
    if (value === mount || value.startsWith(`${mount}/`)) return path.join(volumesDir, m.name, value.slice(mount.length));
  }
  return value;
}

/**
 * The files of the first container's Secret and ConfigMap volumes (`items` map keys to paths;
 * without them every key), and the sources that do not exist yet (a kubelet waits for them).
 */
export async function volumeFiles(pod: PodObject, data: DataSource): Promise<{ files: VolumeFile[]; missing: string[] }> {
  const ns = pod.metadata.namespace ?? 'default';
  const mounted = new Set((pod.spec.containers[0]?.volumeMounts ?? []).map((m) => m.name));
  const out: VolumeFile[] = [];
  const missing: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (!mounted.has(v.name)) continue;
    const source = v.secret ? { kind: 'Secret' as const, name: v.secret.secretName, items: v.secret.items } : v.configMap ? { kind: 'ConfigMap' as const, name: v.configMap.name, items: v.configMap.items } : undefined;
    if (!source) continue;
    const values = await data(source.kind, ns, source.name);
    if (!values) {
      missing.push(`${source.kind} ${ns}/${source.name}`);
      continue;
    }
    const items = source.items ?? Object.keys(values).map((k) => ({ key: k, path: k }));
    for (const item of items) {
      const content = values[item.key];
      if (content !== undefined) out.push({ volume: v.name, relPath: item.path, content });
    }
  }
  return { files: out, missing };
}
