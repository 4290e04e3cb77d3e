// Reflector edge cases against a scripted fake API: relists are atomic, "not found" and errors never empty the store.
import { getLogger } from '@tidegate/common';
import { KubeApiError, type KubeClient, type ListResult, type WatchEvent } from './kube-client';
import { Reflector } from './reflector';
import type { WatchedKind } from './watched-kinds';

const ROUTES: WatchedKind = { group: 'gateway.networking.k8s.io', versions: ['v1'], kind: 'HTTPRoute', plural: 'httproutes', namespaced: true, optional: true };

const route = (name: string, rv: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'default', resourceVersion: rv },
  spec: { hostnames: [`${name}.example.com`] },
  ...extra,
});

interface WatchSession {
  query: Record<string, unknown>;
  emit: (e: WatchEvent) => void;
  end: (err?: unknown) => void;
}

/** A fake API: lists answer from a queue (a value, an error, or a promise the test resolves); watches are handed to the test. */
class FakeApi {
  lists: Array<ListResult | Error | Promise<ListResult>> = [];
  listCalls = 0;
  watches: WatchSession[] = [];
  private waiters: Array<() => void> = [];

  readonly client = {
    list: async (): Promise<ListResult> => {
      this.listCalls++;
      const next = this.lists.shift() ?? new KubeApiError(503, 'Unavailable', 'no scripted list');
      if (next instanceof Error) throw next;
      return next;
    },
    watch: async (_path: string, query: Record<string, unknown>, onEvent: (e: WatchEvent) => void, onDone: (err: unknown) => void) => {
      const controller = new AbortController();
      let done = false;
      const end = (err?: unknown) => {
        if (!done) {
          done = true;
          onDone(err ?? null);
        }
      };
      controller.signal.addEventListener('abort', () => end(new Error('aborted')));
      this.watches.push({ query, emit: (e) => !done && onEvent(e), end });
      this.waiters.splice(0).forEach((w) => w());
      return controller;
    },
  } as unknown as KubeClient;

  /** Resolves when the n-th watch (1-based) has been opened. */
  async watchOpened(n: number): Promise<WatchSession> {
    for (let i = 0; i < 200 && this.watches.length < n; i++) await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 20); });
    const w = this.watches[n - 1];
    if (!w) throw new Error(`watch ${n} never opened`);
    return w;
  }
}

function make(api: FakeApi, kind = ROUTES) {
  const counts = { objects: 0, status: 0 };
  const reflector = new Reflector({
    client: api.client,
    kind,
    onObjects: () => counts.objects++,
    onStatus: () => counts.status++,
    log: getLogger('test'),
    backoff: { initialMs: 5, maxMs: 20 },
    absentRecheckMs: 30,
  });
  return { reflector, counts };
}

const names = (r: Reflector) => r.objects().map((o) => o.metadata.name);
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

let reflector: Reflector | undefined;
afterEach(() => reflector?.stop());

it('swaps in a relist after 410 Gone only once the whole list has arrived', async () => {
  const api = new FakeApi();
  api.lists.push({ items: [route('a', '1'), route('b', '2')], resourceVersion: '2' });
  const made = make(api);
  reflector = made.reflector;
  reflector.start();
  const w1 = await api.watchOpened(1);
  expect(names(reflector)).toEqual(['a', 'b']);
  const objectB = reflector.objects()[1];

  let finishList!: (l: ListResult) => void;
  api.lists.push(new Promise<ListResult>((r) => (finishList = r)));
  w1.emit({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } });
  await until(() => api.listCalls === 2, 'the relist');
  // The list is in flight: the old state is still the whole state.
  expect(names(reflector)).toEqual(['a', 'b']);
  const before = made.counts.objects;
  finishList({ items: [route('b', '5'), route('c', '6')], resourceVersion: '6' });
  const w2 = await api.watchOpened(2);
  expect(names(reflector)).toEqual(['b', 'c']);
  expect(made.counts.objects).toBe(before + 1);
  // An unchanged object keeps its identity across the relist (translators cache by identity).
  expect(reflector.objects()[0]).toBe(objectB);
  expect(w2.query.resourceVersion).toBe('6');
});

it('keeps the store and resumes from the last resourceVersion when the watch fails', async () => {
  const api = new FakeApi();
  api.lists.push({ items: [route('a', '1')], resourceVersion: '1' });
  const made = make(api);
  reflector = made.reflector;
  reflector.start();
  const w1 = await api.watchOpened(1);
  w1.emit({ type: 'ADDED', object: route('b', '7') });
  w1.emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } });
  w1.end(Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' }));
  const w2 = await api.watchOpened(2);
  expect(names(reflector)).toEqual(['a', 'b']);
  expect(w2.query.resourceVersion).toBe('9');
  expect(api.listCalls).toBe(1);
});

it('reports a status-only change without republishing, and keeps the object instance', async () => {
  const api = new FakeApi();
  api.lists.push({ items: [route('a', '1')], resourceVersion: '1' });
  const made = make(api);
  reflector = made.reflector;
  reflector.start();
  const w1 = await api.watchOpened(1);
  const a = reflector.objects()[0];
  const objectsBefore = made.counts.objects;
  w1.emit({ type: 'MODIFIED', object: route('a', '2', { status: { parents: [] }, metadata: { name: 'a', namespace: 'default', resourceVersion: '2', managedFields: [{}] } }) });
  expect(made.counts.objects).toBe(objectsBefore);
  expect(made.counts.status).toBe(1);
  expect(reflector.objects()[0]).toBe(a);
  expect(reflector.get('default', 'a')?.status).toEqual({ parents: [] });
  w1.emit({ type: 'MODIFIED', object: route('a', '3', { spec: { hostnames: ['changed'] } }) });
  expect(made.counts.objects).toBe(objectsBefore + 1);
  expect(reflector.objects()[0]).not.toBe(a);
  w1.emit({ type: 'DELETED', object: route('a', '4') });
  expect(names(reflector)).toEqual([]);
});

it('treats a kind that is not served at the first sync as empty, and picks it up once it is', async () => {
  const api = new FakeApi();
  api.lists.push(new KubeApiError(404, 'NotFound', 'the server could not find the requested resource'));
  const made = make(api);
  reflector = made.reflector;
  reflector.start();
  await until(() => reflector!.synced, 'first sync');
  expect(reflector.missing).toBe(true);
  expect(names(reflector)).toEqual([]);
  api.lists.push({ items: [route('a', '3')], resourceVersion: '3' });
  await api.watchOpened(1);
  expect(reflector.missing).toBe(false);
  expect(names(reflector)).toEqual(['a']);
});

it('never empties the store on "not found" after the first sync (CRDs load late after an API server restart)', async () => {
  const api = new FakeApi();
  api.lists.push({ items: [route('a', '1')], resourceVersion: '1' });
  const made = make(api);
  reflector = made.reflector;
  reflector.start();
  const w1 = await api.watchOpened(1);
  api.lists.push(new KubeApiError(404, 'NotFound', 'not found'), new KubeApiError(404, 'NotFound', 'not found'));
  api.lists.push({ items: [route('a', '1'), route('z', '8')], resourceVersion: '8' });
  w1.end(new KubeApiError(410, 'Expired', 'gone'));
  await api.watchOpened(2);
  expect(api.listCalls).toBe(4);
  expect(names(reflector)).toEqual(['a', 'z']);
});

it('does not count as synced until a list succeeded, whatever the errors', async () => {
  const api = new FakeApi();
  api.lists.push(new KubeApiError(403, 'Forbidden', 'forbidden'), new Error('ECONNREFUSED'));
  api.lists.push({ items: [], resourceVersion: '1' });
  const made = make(api, { ...ROUTES, optional: false });
  reflector = made.reflector;
  reflector.start();
  expect(reflector.synced).toBe(false);
  await api.watchOpened(1);
  expect(reflector.synced).toBe(true);
  expect(api.listCalls).toBe(3);
});
