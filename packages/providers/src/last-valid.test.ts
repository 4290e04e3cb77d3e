// The last-valid rule: an object whose new version fails the check keeps serving its last valid version.
import type { Issue, KubeObject, SourcedObject } from '@tidegate/common';
import { LastValidObjects } from './last-valid';
import type { ObjectVerdict } from './object-check';

const route = (name: string, spec: Record<string, unknown>, kind = 'HTTPRoute'): SourcedObject => ({
  object: { apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name, namespace: 'default' }, spec },
  source: { file: `${name}.yaml`, document: 0 },
});
// Stands in for the translators' check: `bakendRefs` is an unknown field, `HttpRoute` a kind nobody reads.
function check(object: KubeObject): ObjectVerdict {
  if (object.kind === 'HttpRoute') return { read: false, issues: [{ code: 'unknown-kind', path: 'kind', message: 'unknown kind "HttpRoute": did you mean HTTPRoute?' }] };
  const issues: Issue[] = 'bakendRefs' in (object.spec as object) ? [{ code: 'unknown-field', path: 'spec.bakendRefs', message: 'unknown field "bakendRefs"' }] : [];
  return { read: true, issues };
}
const snapshot = (...objects: SourcedObject[]) => ({ objects, errors: [] });

describe('LastValidObjects', () => {
  it('serves the last valid version of an object whose new version fails, with the error, until it is fixed', () => {
    const rule = new LastValidObjects(check);
    const v1 = route('web', { backendRefs: [] });
    const other = route('other', {});
    const first = snapshot(v1, other);
    expect(rule.applyTo(first)).toBe(first); // nothing replaced: the snapshot itself

    const typo = route('web', { bakendRefs: [] });
    const broken = rule.applyTo(snapshot(typo, other));
    expect(broken.objects).toEqual([v1, other]);
    expect(broken.objects[0]).toBe(v1);
    expect(broken.errors).toEqual([
      {
        source: { file: 'web.yaml', document: 0 },
        object: { kind: 'HTTPRoute', namespace: 'default', name: 'web' },
        path: 'spec.bakendRefs',
        code: 'unknown-field',
        message: 'web.yaml: HTTPRoute default/web: spec.bakendRefs: unknown field "bakendRefs" (serving the last valid version of HTTPRoute default/web)',
      },
    ]);
    // Still broken on the next change: still the same last valid version.
    expect(rule.applyTo(snapshot(typo)).objects[0]).toBe(v1);

    const v2 = route('web', { backendRefs: [{ name: 'b' }] });
    const fixed = rule.applyTo(snapshot(v2));
    expect(fixed.objects).toEqual([v2]);
    expect(fixed.errors).toEqual([]);
  });

  it('passes an object that was never valid through for the translator to report', () => {
    const rule = new LastValidObjects(check);
    const typo = route('web', { bakendRefs: [] });
    const s = snapshot(typo);
    expect(rule.applyTo(s)).toBe(s);
  });

  it('forgets an object that left: re-created invalid, it is not resurrected', () => {
    const rule = new LastValidObjects(check);
    rule.applyTo(snapshot(route('web', {})));
    rule.applyTo(snapshot());
    const typo = route('web', { bakendRefs: [] });
    expect(rule.applyTo(snapshot(typo)).objects).toEqual([typo]);
  });

  it('reports a kind no translator reads and keeps the object (translators skip it)', () => {
    const rule = new LastValidObjects(check);
    const typo = route('web', {}, 'HttpRoute');
    const out = rule.applyTo(snapshot(typo));
    expect(out.objects).toEqual([typo]);
    expect(out.errors).toEqual([
      {
        source: { file: 'web.yaml', document: 0 },
        object: { kind: 'HttpRoute', namespace: 'default', name: 'web' },
        path: 'kind',
        code: 'unknown-kind',
        message: 'web.yaml: HttpRoute default/web: unknown kind "HttpRoute": did you mean HTTPRoute?',
      },
    ]);
  });

  it('checks each object once while it is unchanged', () => {
    let calls = 0;
    const rule = new LastValidObjects((o) => (calls++, check(o)));
    const a = route('a', {});
    const b = route('b', {});
    rule.applyTo(snapshot(a, b));
    rule.applyTo(snapshot(a, b));
    rule.applyTo(snapshot(a, route('b', { x: 1 })));
    expect(calls).toBe(3);
  });
});
