// Unit tests for combining files into a snapshot: duplicates and ordering.
import { mergeFiles } from './merge-files';
import { parseConfigFile } from './parse-file';

const obj = (kind: string, name: string, ns?: string) =>
  `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;

describe('mergeFiles', () => {
  it('keeps the first definition by file order and names both places in the error', () => {
    const a = parseConfigFile('a.yaml', `${obj('Gateway', 'x')}---\n${obj('Gateway', 'x', 'default')}`);
    const b = parseConfigFile('b/c.yaml', `# header\n${obj('Gateway', 'x')}`);
    const snapshot = mergeFiles([
      { objects: a.objects, errors: [] },
      { objects: b.objects, errors: [] },
    ]);
    expect(snapshot.objects).toEqual([{ object: a.objects[0]?.object, source: { file: 'a.yaml', document: 0 } }]);
    expect(snapshot.errors).toEqual([
      {
        source: { file: 'a.yaml', document: 1 },
        object: { kind: 'Gateway', namespace: 'default', name: 'x' },
        path: 'metadata.name',
        code: 'duplicate-object',
        message: 'a.yaml:6:1: duplicate Gateway default/x: also defined at a.yaml:1:1 (document 0), which is the one used',
      },
      {
        source: { file: 'b/c.yaml', document: 0 },
        object: { kind: 'Gateway', namespace: 'default', name: 'x' },
        path: 'metadata.name',
        code: 'duplicate-object',
        message: 'b/c.yaml:2:1: duplicate Gateway default/x: also defined at a.yaml:1:1 (document 0), which is the one used',
      },
    ]);
  });

  it('sorts objects by kind, namespace, name and publishes plain sources', () => {
    const f = parseConfigFile('f.yaml', [obj('Route', 'b', 'z'), obj('Route', 'b', 'a'), obj('GatewayClass', 'c'), obj('Gateway', 'g')].join('---\n'));
    const snapshot = mergeFiles([{ objects: f.objects, errors: [] }]);
    expect(snapshot.objects.map((o) => `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`)).toEqual([
      'Gateway/default/g',
      'GatewayClass//c',
      'Route/a/b',
      'Route/z/b',
    ]);
    expect(Object.keys(snapshot.objects[0] ?? {})).toEqual(['object', 'source']);
  });
});
