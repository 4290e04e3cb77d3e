// The shared jest suite every provider passes: one contract, many sources.
import type { KubeObject, ResourceSnapshot } from '@tidegate/common';
import type { ObjectCheck } from '../object-check';
import type { Provider } from '../provider';
import { delay, recordValues, waitForValue } from './wait-for';

/** Which object, by identity. `namespace` is absent for cluster-scoped kinds. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** One test's source of objects (a temp directory, a test namespace, a Nacos group...). */
export interface ProviderFixture {
  /** A provider on this source; `check` is the translators' check it must apply (the last-valid rule). */
  createProvider(check?: ObjectCheck): Provider;
  create(object: KubeObject): Promise<void>;
  update(object: KubeObject): Promise<void>;
  delete(ref: ObjectRef): Promise<void>;
  /** Removes everything the fixture made; runs after the provider stopped. */
  cleanup(): Promise<void>;
}

export interface ProviderHarness {
  /** An empty source for one test. */
  setup(): Promise<ProviderFixture>;
  /** Longest a change may take to show up (default 5000 ms). */
  timeoutMs?: number;
  /** How long to watch for publishes that must not happen (default 300 ms). */
  quietMs?: number;
  /** Builds the object the suite stores; override when the source needs other fields. */
  makeObject?(ref: ObjectRef, revision: number): KubeObject;
}

/** Annotation the suite uses to tell revisions of one object apart. */
export const REVISION_ANNOTATION = 'tidegate.io/contract-revision';

const API_VERSION = 'gateway.networking.k8s.io/v1';

/** Annotation that makes the suite's check reject an object (every source stores annotations as they are). */
export const INVALID_ANNOTATION = 'tidegate.io/contract-invalid';

/** The suite's stand-in for the translators' check: an object carrying INVALID_ANNOTATION fails it. */
const contractCheck: ObjectCheck = (o) => ({
  read: true,
  issues: o.metadata.annotations?.[INVALID_ANNOTATION]
    ? [{ code: 'invalid-value', path: `metadata.annotations["${INVALID_ANNOTATION}"]`, message: 'marked invalid by the contract suite' }]
    : [],
});

/** Minimal Gateway API objects that a real API server would also accept. */
export function defaultContractObject(ref: ObjectRef, revision: number): KubeObject {
  const metadata = {
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    annotations: { [REVISION_ANNOTATION]: String(revision) },
  };
  const specs: Record<string, unknown> = {
    GatewayClass: { controllerName: 'tidegate.io/gateway-controller' },
    Gateway: { gatewayClassName: 'tidegate', listeners: [{ name: 'http', port: 8000 + revision, protocol: 'HTTP' }] },
    HTTPRoute: { hostnames: [`r${revision}.example.com`] },
  };
  return { apiVersion: API_VERSION, kind: ref.kind, metadata, spec: specs[ref.kind] ?? {} };
}

const refKey = (r: ObjectRef): string => `${r.kind}/${r.namespace ?? ''}/${r.name}`;
const keysOf = (s: ResourceSnapshot): string[] =>
  s.objects.map(({ object: o }) => refKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
const revisionsOf = (s: ResourceSnapshot): Record<string, string | undefined> =>
  Object.fromEntries(
    s.objects.map(({ object: o }) => [
      refKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }),
      o.metadata.annotations?.[REVISION_ANNOTATION],
    ]),
  );
const sameSet = (actual: string[], expected: string[]): boolean =>
  actual.length === expected.length && [...actual].sort().join('\n') === [...expected].sort().join('\n');

/**
 * Registers the provider contract for `name`: complete initial state, a full
 * snapshot after each create/update/delete, convergence after a burst, replay to
 * late subscribers, silence after stop, and a deterministic object order.
 */
export function describeProviderContract(name: string, harness: ProviderHarness): void {
  const timeoutMs = harness.timeoutMs ?? 5000;
  const quietMs = harness.quietMs ?? 300;
  const make = harness.makeObject ?? defaultContractObject;

  describe(`provider contract: ${name}`, () => {
    let fixture: ProviderFixture | undefined;
    let provider: Provider | undefined;

    async function open(initial: ObjectRef[] = [], check?: ObjectCheck): Promise<{ fixture: ProviderFixture; provider: Provider }> {
      fixture = await harness.setup();
      for (const ref of initial) await fixture.create(make(ref, 1));
      provider = fixture.createProvider(check);
      return { fixture, provider };
    }

    const converge = (p: Provider, expected: ObjectRef[], revisions: Record<string, string> = {}, what = 'expected objects') =>
      waitForValue(
        p.resources,
        (s) =>
          sameSet(keysOf(s), expected.map(refKey)) &&
          Object.entries(revisions).every(([key, rev]) => revisionsOf(s)[key] === rev),
        timeoutMs,
        what,
      );

    afterEach(async () => {
      await provider?.stop();
      await fixture?.cleanup();
      provider = undefined;
      fixture = undefined;
    });

    const gw = (n: string, ns = 'default'): ObjectRef => ({ kind: 'Gateway', namespace: ns, name: n });
    const route = (n: string, ns = 'default'): ObjectRef => ({ kind: 'HTTPRoute', namespace: ns, name: n });

    it('publishes nothing before start and the complete initial state once started', async () => {
      const initial = [gw('a'), route('r1'), route('r2', 'team-a')];
      const { provider: p } = await open(initial);
      const seen = recordValues(p.resources);
      expect(p.resources.value).toBeUndefined();
      await p.start();
      seen.stop();
      expect(seen.values.length).toBeGreaterThanOrEqual(1);
      // Every value ever published, the first included, is the whole state.
      for (const value of seen.values) expect(keysOf(value).sort()).toEqual(initial.map(refKey).sort());
      expect(p.resources.value?.errors).toEqual([]);
    });

    it('publishes an empty snapshot for an empty source', async () => {
      const { provider: p } = await open();
      await p.start();
      expect(p.resources.value).toEqual({ objects: [], errors: [] });
    });

    it('publishes a full snapshot after a create', async () => {
      const { fixture: f, provider: p } = await open([gw('a')]);
      await p.start();
      await f.create(make(route('new'), 1));
      const s = await converge(p, [gw('a'), route('new')]);
      expect(s.errors).toEqual([]);
    });

    it('publishes a full snapshot after an update', async () => {
      const { fixture: f, provider: p } = await open([gw('a'), route('r')]);
      await p.start();
      await f.update(make(route('r'), 2));
      const s = await converge(p, [gw('a'), route('r')], { [refKey(route('r'))]: '2', [refKey(gw('a'))]: '1' });
      const updated = s.objects.find((o) => o.object.metadata.name === 'r')?.object;
      expect(updated?.spec).toEqual(make(route('r'), 2).spec);
    });

    it('publishes a full snapshot after a delete', async () => {
      const { fixture: f, provider: p } = await open([gw('a'), route('r'), route('s')]);
      await p.start();
      await f.delete(route('r'));
      await converge(p, [gw('a'), route('s')]);
    });

    it('converges to the final state after a burst of changes', async () => {
      const { fixture: f, provider: p } = await open([route('keep')]);
      await p.start();
      const n = 12;
      const created = Array.from({ length: n }, (_, i) => route(`burst-${String(i).padStart(2, '0')}`));
      for (const ref of created) await f.create(make(ref, 1));
      for (const ref of created.slice(0, 4)) await f.update(make(ref, 2));
      for (const ref of created.slice(8)) await f.delete(ref);
      await f.update(make(route('keep'), 3));
      const expected = [route('keep'), ...created.slice(0, 8)];
      const revisions: Record<string, string> = { [refKey(route('keep'))]: '3' };
      for (const ref of created.slice(0, 4)) revisions[refKey(ref)] = '2';
      for (const ref of created.slice(4, 8)) revisions[refKey(ref)] = '1';
      await converge(p, expected, revisions, 'the state after the burst');
      // And it stays there.
      await delay(quietMs);
      expect(keysOf(p.resources.value!).sort()).toEqual(expected.map(refKey).sort());
    });

    it('replays the current state to a late subscriber', async () => {
      const { fixture: f, provider: p } = await open([gw('a')]);
      await p.start();
      await f.create(make(route('r'), 1));
      const current = await converge(p, [gw('a'), route('r')]);
      const late = recordValues(p.resources);
      late.stop();
      expect(late.values).toEqual([current]);
    });

    it('stops publishing after stop()', async () => {
      const { fixture: f, provider: p } = await open([gw('a')]);
      await p.start();
      const before = p.resources.value;
      const seen = recordValues(p.resources);
      await p.stop();
      await f.create(make(route('after-stop'), 1));
      await f.update(make(gw('a'), 2));
      await delay(quietMs);
      seen.stop();
      expect(seen.values).toEqual([before]);
      await p.stop(); // twice is fine
    });

    it('keeps serving the last valid version of an object whose update fails the check, with the error', async () => {
      const { fixture: f, provider: p } = await open([gw('a'), route('r')], contractCheck);
      await p.start();
      const invalid = make(route('r'), 2);
      invalid.metadata.annotations = { ...invalid.metadata.annotations, [INVALID_ANNOTATION]: 'true' };
      await f.update(invalid);
      await f.update(make(gw('a'), 2)); // other objects still update meanwhile
      const s = await waitForValue(p.resources, (v) => v.errors.length > 0 && revisionsOf(v)[refKey(gw('a'))] === '2', timeoutMs, 'the check error');
      expect(revisionsOf(s)[refKey(route('r'))]).toBe('1');
      expect(s.errors).toEqual([
        expect.objectContaining({ object: { kind: 'HTTPRoute', namespace: 'default', name: 'r' }, path: `metadata.annotations["${INVALID_ANNOTATION}"]`, code: 'invalid-value' }),
      ]);
      expect(s.errors[0]?.message).toContain('(serving the last valid version of HTTPRoute default/r)');
      await f.update(make(route('r'), 3));
      const fixed = await converge(p, [gw('a'), route('r')], { [refKey(route('r'))]: '3' }, 'the fixed object');
      expect(fixed.errors).toEqual([]);
      // Deleted while invalid, its last valid version goes too.
      await f.update(invalid);
      await waitForValue(p.resources, (v) => v.errors.length > 0, timeoutMs, 'invalid again');
      await f.delete(route('r'));
      const gone = await converge(p, [gw('a')], {}, 'the deleted object');
      expect(gone.errors).toEqual([]);
    });

    it('orders objects by kind, namespace, name', async () => {
      const scrambled = [
        route('b', 'team-a'),
        gw('z'),
        route('b'),
        { kind: 'GatewayClass', name: 'c' },
        route('a'),
        gw('a'),
        route('a', 'team-a'),
      ];
      const { provider: p } = await open(scrambled);
      await p.start();
      expect(keysOf(p.resources.value!)).toEqual([
        'Gateway/default/a',
        'Gateway/default/z',
        'GatewayClass//c',
        'HTTPRoute/default/a',
        'HTTPRoute/default/b',
        'HTTPRoute/team-a/a',
        'HTTPRoute/team-a/b',
      ]);
    });
  });
}
