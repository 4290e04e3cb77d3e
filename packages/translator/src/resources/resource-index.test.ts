// The resource index reuses its last error-free result per kind; whatever the path, it must
// answer exactly as a fresh index would, errors included.
import type { SourcedObject } from '@tidegate/common';
import { ResourceIndex } from './resource-index';
import { SecretKind } from './secret';
import { ServiceKind } from './service';
import { ErrorSink } from './translation-error';

const service = (name: string, port: number, extra: Record<string, unknown> = {}): SourcedObject => ({
  object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ port, ...extra }] } },
  source: { file: 'svc.yaml', document: 0 },
});
const secret = (name: string): SourcedObject => ({
  object: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, stringData: { a: 'b' } },
  source: { file: 'secret.yaml', document: 0 },
});

/** What an index answers: valid Services with their first port, lookups, and errors. */
function answers(objects: SourcedObject[]) {
  const sink = new ErrorSink();
  const index = new ResourceIndex(objects, [ServiceKind, SecretKind], sink);
  return {
    services: index.list(ServiceKind).map((r) => `${r.name}:${(r.body as { spec: { ports: Array<{ port: number }> } }).spec.ports[0]!.port}`),
    secrets: index.list(SecretKind).map((r) => r.name),
    lookups: ['a', 'b', 'c', 'd'].map((n) => index.lookup(ServiceKind, 'default', n)),
    errors: sink.sorted().map((e) => `${e.object.name} ${e.path} ${e.code}`),
  };
}

describe('ResourceIndex across snapshots', () => {
  it('answers like a fresh index through edits, bad objects, additions, removals and duplicates', () => {
    const a = service('a', 1);
    const b = service('b', 2);
    const c = service('c', 3);
    const s = secret('s');
    const steps: Array<{ objects: SourcedObject[]; expect: ReturnType<typeof answers> }> = [
      { objects: [a, b, c, s], expect: { services: ['a:1', 'b:2', 'c:3'], secrets: ['s'], lookups: ['valid', 'valid', 'valid', 'missing'], errors: [] } },
      // the same entries again, then an edit that keeps the name (the in-place path)
      { objects: [a, b, c, s], expect: { services: ['a:1', 'b:2', 'c:3'], secrets: ['s'], lookups: ['valid', 'valid', 'valid', 'missing'], errors: [] } },
      { objects: [a, service('b', 20), c, s], expect: { services: ['a:1', 'b:20', 'c:3'], secrets: ['s'], lookups: ['valid', 'valid', 'valid', 'missing'], errors: [] } },
      // an edit that breaks the object: rebuilt, with its error
      {
        objects: [a, service('b', 21, { bogus: true }), c, s],
        expect: { services: ['a:1', 'c:3'], secrets: ['s'], lookups: ['valid', 'invalid', 'valid', 'missing'], errors: ['b spec.ports[0].bogus unknown-field'] },
      },
      { objects: [a, service('b', 22), c, s], expect: { services: ['a:1', 'b:22', 'c:3'], secrets: ['s'], lookups: ['valid', 'valid', 'valid', 'missing'], errors: [] } },
      // added, in any input order, then removed
      { objects: [service('d', 4), a, service('b', 22), c, s], expect: { services: ['a:1', 'b:22', 'c:3', 'd:4'], secrets: ['s'], lookups: ['valid', 'valid', 'valid', 'valid'], errors: [] } },
      { objects: [service('b', 22), c, s], expect: { services: ['b:22', 'c:3'], secrets: ['s'], lookups: ['missing', 'valid', 'valid', 'missing'], errors: [] } },
      // a duplicate: the first wins, every time it is indexed
      {
        objects: [service('b', 22), c, service('c', 30), s],
        expect: { services: ['b:22', 'c:3'], secrets: ['s'], lookups: ['missing', 'valid', 'valid', 'missing'], errors: ['c  duplicate-object'] },
      },
      {
        objects: [service('b', 22), c, service('c', 30), s],
        expect: { services: ['b:22', 'c:3'], secrets: ['s'], lookups: ['missing', 'valid', 'valid', 'missing'], errors: ['c  duplicate-object'] },
      },
    ];
    for (const step of steps) expect(answers(step.objects)).toEqual(step.expect);
  });
});
