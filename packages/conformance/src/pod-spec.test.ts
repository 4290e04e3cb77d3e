// The pod runner's reading of a Pod: Downward API env, Secret/ConfigMap volumes as local files, paths under mounts rewritten.
import { containerEnv, localPath, volumeFiles, type DataSource, type PodObject } from './pod-spec';

const pod: PodObject = {
  metadata: { name: 'tls-backend-abc', namespace: 'gateway-conformance-infra', uid: 'u-1', labels: { app: 'tls-backend' } },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'tls-backend',
        image: 'gcr.io/k8s-staging-gateway-api/echo-basic:v20260204',
        volumeMounts: [
          { name: 'secret-volume', mountPath: '/etc/secret-volume' },
          { name: 'ca', mountPath: '/etc/configmap-volume/' },
        ],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'TLS_SERVER_CERT', value: '/etc/secret-volume/crt' },
          { name: 'TLS_CLIENT_CACERTS', value: '/etc/configmap-volume/ca.crt' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'certs', key: 'tls.key' } } },
          { name: 'UNKNOWN_FIELD', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'PLAIN', value: '/etc/other' },
        ],
      },
    ],
    volumes: [
      { name: 'secret-volume', secret: { secretName: 'certs', items: [{ key: 'tls.crt', path: 'crt' }, { key: 'tls.key', path: 'key' }] } },
      { name: 'ca', configMap: { name: 'ca-bundle' } },
      { name: 'unmounted', secret: { secretName: 'certs' } },
    ],
  },
};

const data: DataSource = async (kind, namespace, name): Promise<Record<string, Buffer> | undefined> => {
  expect(namespace).toBe('gateway-conformance-infra');
  if (kind === 'Secret' && name === 'certs') return { 'tls.crt': Buffer.from('CERT'), 'tls.key': Buffer.from('KEY'), extra: Buffer.from('x') };
  if (kind === 'ConfigMap' && name === 'ca-bundle') return { 'ca.crt': Buffer.from('CA') };
  return undefined;
};

it('resolves the Downward API, Secret keys, and paths under volume mounts', async () => {
  expect(await containerEnv(pod, '198.18.0.2', '/work/pod/volumes', data)).toEqual({
    POD_NAME: 'tls-backend-abc',
    NAMESPACE: 'gateway-conformance-infra',
    POD_IP: '198.18.0.2',
    APP: 'tls-backend',
    TLS_SERVER_CERT: '/work/pod/volumes/secret-volume/crt',
    TLS_CLIENT_CACERTS: '/work/pod/volumes/ca/ca.crt',
    FROM_SECRET: 'KEY',
    PLAIN: '/etc/other',
  });
});

it('writes the items of mounted Secret and ConfigMap volumes (every key without items)', async () => {
  const { files, missing } = await volumeFiles(pod, data);
  expect(missing).toEqual([]);
  expect(files.map((f) => [f.volume, f.relPath, f.content.toString()])).toEqual([
    ['secret-volume', 'crt', 'CERT'],
    ['secret-volume', 'key', 'KEY'],
    ['ca', 'ca.crt', 'CA'],
  ]);
});

it('names volume sources that do not exist yet', async () => {
  const { missing } = await volumeFiles(pod, async () => undefined);
  expect(missing).toEqual(['Secret gateway-conformance-infra/certs', 'ConfigMap gateway-conformance-infra/ca-bundle']);
});

it('rewrites only whole path elements of a mount', () => {
  const mounts = [{ name: 'v', mountPath: '/etc/secret-volume' }];
  expect(localPath('/etc/secret-volume', mounts, '/d')).toBe('/d/v');
  expect(localPath('/etc/secret-volume-2/x', mounts, '/d')).toBe('/etc/secret-volume-2/x');
});
