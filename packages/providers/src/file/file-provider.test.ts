// FileProvider behaviour on a real temp directory: errors, last-good, watching, status.
import { mkdir, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject, ResourceSnapshot } from '@tidegate/common';
import { ProvidersError } from '../errors';
import type { ObjectVerdict } from '../object-check';
import { delay, recordValues, waitForValue } from '../test-support/wait-for';
import { makeTempDir } from '../test-support/temp-dir';
import { FileProvider, type FileProviderOptions } from './file-provider';

const obj = (kind: string, name: string, extra = '') =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}spec: {}\n`;
const names = (s: ResourceSnapshot | undefined): string[] =>
  (s?.objects ?? []).map(({ object: o }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
const sameNames = (expected: string[]) => (s: ResourceSnapshot) => names(s).join() === [...expected].sort().join();

describe('FileProvider', () => {
  let dir: string;
  let removeDir: () => Promise<void>;
  let provider: FileProvider | undefined;

  const write = async (rel: string, text: string) => {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  };
  const startProvider = async (debounceMs = 20, more: Partial<FileProviderOptions> = {}) => {
    provider = new FileProvider({ dir, debounceMs, ...more });
    await provider.start();
    return provider;
  };
  const until = (p: FileProvider, predicate: (s: ResourceSnapshot) => boolean, what?: string) =>
    waitForValue(p.resources, predicate, 3000, what);

  beforeEach(async () => {
    ({ path: dir, remove: removeDir } = await makeTempDir());
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await removeDir();
  });

  it('loads every document of a multi-document file with its document index', async () => {
    await write('all.yaml', `${obj('Gateway', 'g')}---\n---\n${obj('HTTPRoute', 'r', '  namespace: team-a\n')}---\n${obj('GatewayClass', 'c')}`);
    const p = await startProvider();
    const s = p.resources.value!;
    expect(s.errors).toEqual([]);
    expect(s.objects.map((o) => [names({ objects: [o], errors: [] })[0], o.source])).toEqual([
      ['Gateway/default/g', { file: 'all.yaml', document: 0 }],
      ['GatewayClass//c', { file: 'all.yaml', document: 3 }],
      ['HTTPRoute/team-a/r', { file: 'all.yaml', document: 2 }],
    ]);
  });

  it('keeps serving the last good objects of a file that stops parsing, while other files still apply', async () => {
    await write('a.yaml', `${obj('Gateway', 'ga')}---\n${obj('HTTPRoute', 'ra')}`);
    await write('b.yaml', obj('HTTPRoute', 'rb'));
    const p = await startProvider();
    expect(names(p.resources.value)).toEqual(['Gateway/default/ga', 'HTTPRoute/default/ra', 'HTTPRoute/default/rb']);

    // A half-saved a.yaml (renamed gateway, second document cut off) and a real change to b.yaml.
    await write('a.yaml', `${obj('Gateway', 'ga-renamed')}---\napiVersion: v1\nkind: HTTPRoute\nmetadata: {name: ra`);
    await write('b.yaml', obj('HTTPRoute', 'rb2'));
    const broken = await until(p, sameNames(['Gateway/default/ga', 'HTTPRoute/default/ra', 'HTTPRoute/default/rb2']), 'b.yaml applied, a.yaml kept');
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]).toMatchObject({ source: { file: 'a.yaml', document: 1 }, path: '' });
    expect(broken.errors[0]?.message).toMatch(/^a\.yaml:9:20: Flow map .+\(serving the last version of a\.yaml that parsed\)$/);
    expect(broken.objects.find((o) => o.object.metadata.name === 'ga')?.source).toEqual({ file: 'a.yaml', document: 0 });

    // Fixed: the new content replaces the old as a whole.
    await write('a.yaml', obj('Gateway', 'ga-renamed'));
    const fixed = await until(p, sameNames(['Gateway/default/ga-renamed', 'HTTPRoute/default/rb2']), 'a.yaml fixed');
    expect(fixed.errors).toEqual([]);

    // Broken again, then deleted: a deleted file's objects go, last good or not.
    await write('a.yaml', 'kind: [');
    await until(p, (s) => s.errors.length === 1 && names(s).includes('Gateway/default/ga-renamed'), 'a.yaml broken again');
    await rm(join(dir, 'a.yaml'));
    const deleted = await until(p, sameNames(['HTTPRoute/default/rb2']), 'a.yaml deleted');
    expect(deleted.errors).toEqual([]);
  });

  it('loads the parseable documents of a file that has never parsed', async () => {
    await write('new.yaml', `${obj('Gateway', 'g')}---\nkind: {oops\n---\n${obj('HTTPRoute', 'r')}`);
    const p = await startProvider();
    const s = p.resources.value!;
    expect(names(s)).toEqual(['Gateway/default/g', 'HTTPRoute/default/r']);
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]?.source).toEqual({ file: 'new.yaml', document: 1 });
    expect(s.errors[0]?.message).toMatch(/^new\.yaml:\d+:\d+: /);
    expect(s.errors[0]?.message).not.toContain('serving');
  });

  it('reports documents missing kind or name with the path, and loads the rest of the file', async () => {
    await write('m.yaml', `apiVersion: v1\nmetadata: {name: nokind}\n---\napiVersion: v1\nkind: Gateway\nmetadata: {}\n---\n${obj('Gateway', 'ok')}`);
    const p = await startProvider();
    const s = p.resources.value!;
    expect(names(s)).toEqual(['Gateway/default/ok']);
    expect(s.errors.map((e) => [e.source, e.path, e.object, e.message])).toEqual([
      [{ file: 'm.yaml', document: 0 }, 'kind', { name: 'nokind' }, 'm.yaml:1:1: missing kind'],
      [{ file: 'm.yaml', document: 1 }, 'metadata.name', { kind: 'Gateway' }, 'm.yaml:6:11: missing metadata.name'],
    ]);
  });

  it('keeps the first of two duplicate objects by file path order and names both places', async () => {
    await write('b.yaml', obj('Gateway', 'dup', '  annotations: {from: b}\n'));
    await delay(20);
    await write('a.yaml', obj('Gateway', 'dup', '  namespace: default\n  annotations: {from: a}\n'));
    const p = await startProvider();
    const s = p.resources.value!;
    expect(s.objects).toHaveLength(1);
    expect(s.objects[0]?.object.metadata.annotations).toEqual({ from: 'a' });
    expect(s.errors).toEqual([
      {
        source: { file: 'b.yaml', document: 0 },
        object: { kind: 'Gateway', namespace: 'default', name: 'dup' },
        path: 'metadata.name',
        code: 'duplicate-object',
        message: 'b.yaml:1:1: duplicate Gateway default/dup: also defined at a.yaml:1:1 (document 0), which is the one used',
      },
    ]);
    // Removing the winner lets the other one in.
    await rm(join(dir, 'a.yaml'));
    const after = await until(p, (v) => v.errors.length === 0, 'duplicate resolved');
    expect(after.objects[0]?.object.metadata.annotations).toEqual({ from: 'b' });
  });

  it('reads nested directories and ignores non-YAML files, dotfiles and dot-directories', async () => {
    await write('top.yml', obj('Gateway', 'top'));
    await write('team/a/deep.yaml', obj('HTTPRoute', 'deep'));
    await write('notes.txt', obj('Gateway', 'txt'));
    await write('gw.json', '{"apiVersion":"v1","kind":"Gateway","metadata":{"name":"json"}}');
    await write('.hidden.yaml', obj('Gateway', 'hidden'));
    await write('.git/x.yaml', obj('Gateway', 'git'));
    await write('team/.#deep.yaml', obj('Gateway', 'lock'));
    await write('team/deep.yaml~', obj('Gateway', 'backup'));
    const p = await startProvider();
    expect(names(p.resources.value)).toEqual(['Gateway/default/top', 'HTTPRoute/default/deep']);
    expect(p.resources.value?.objects.find((o) => o.object.metadata.name === 'deep')?.source).toEqual({
      file: 'team/a/deep.yaml',
      document: 0,
    });

    await write('team/b/later.yaml', obj('HTTPRoute', 'later'));
    await until(p, sameNames(['Gateway/default/top', 'HTTPRoute/default/deep', 'HTTPRoute/default/later']), 'new nested file');
    await rm(join(dir, 'team'), { recursive: true });
    await until(p, sameNames(['Gateway/default/top']), 'nested directory removed');
  });

  it('picks up a new file within a second with default settings', async () => {
    provider = new FileProvider({ dir });
    await provider.start();
    expect(provider.resources.value).toEqual({ objects: [], errors: [] });
    const t0 = Date.now();
    await write('new.yaml', obj('Gateway', 'fresh'));
    await waitForValue(provider.resources, sameNames(['Gateway/default/fresh']), 1000, 'the new file');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('coalesces a burst of writes to one file', async () => {
    await write('burst.yaml', obj('Gateway', 'g0'));
    const p = await startProvider(50);
    const seen = recordValues(p.resources);
    for (let i = 1; i <= 20; i++) writeFileSync(join(dir, 'burst.yaml'), obj('Gateway', `g${i}`));
    await until(p, sameNames(['Gateway/default/g20']), 'the last write');
    await delay(150);
    seen.stop();
    expect(seen.values.length).toBeLessThanOrEqual(3); // current value + usually one publish
    expect(names(seen.values.at(-1))).toEqual(['Gateway/default/g20']);
  });

  it('sees a second write that lands inside chokidar\'s change throttle window', async () => {
    await write('fast.yaml', obj('Gateway', 'v1'));
    const p = await startProvider(5);
    await write('fast.yaml', obj('Gateway', 'v2'));
    const t0 = Date.now();
    await until(p, sameNames(['Gateway/default/v2']), 'the first write');
    await write('fast.yaml', obj('Gateway', 'v3')); // chokidar swallows this change event
    await until(p, sameNames(['Gateway/default/v3']), 'the second write');
  });

  it('never loses objects while a file is written in pieces', async () => {
    await write('slow.yaml', `${obj('Gateway', 'g')}---\n${obj('HTTPRoute', 'r1')}`);
    const p = await startProvider();
    const seen = recordValues(p.resources);
    const next = `${obj('Gateway', 'g')}---\n${obj('HTTPRoute', 'r2', '  labels: {a: b}\n')}`;
    const cut = next.indexOf('{a: b}') + 3; // inside a flow mapping: the prefix is not valid YAML
    const fh = await open(join(dir, 'slow.yaml'), 'w');
    await fh.write(next.slice(0, cut));
    await fh.sync();
    await delay(120); // long enough for the provider to read the half-written file
    await fh.write(next.slice(cut));
    await fh.close();
    await until(p, (s) => sameNames(['Gateway/default/g', 'HTTPRoute/default/r2'])(s) && s.errors.length === 0, 'the complete file');
    seen.stop();
    expect(seen.values.some((v) => v.errors.length > 0)).toBe(true); // the half-written state was seen...
    for (const v of seen.values) expect(names(v)).toContain('Gateway/default/g'); // ...and served the last good objects
  });

  it('follows a Kubernetes ConfigMap mount swapping its ..data symlink', async () => {
    await write('..2024_01/routes.yaml', obj('HTTPRoute', 'v1'));
    await symlink('..2024_01', join(dir, '..data'));
    await symlink('..data/routes.yaml', join(dir, 'routes.yaml'));
    const p = await startProvider();
    expect(names(p.resources.value)).toEqual(['HTTPRoute/default/v1']);
    // The kubelet's atomic update: new timestamped dir, new link, rename over ..data.
    await write('..2024_02/routes.yaml', obj('HTTPRoute', 'v2'));
    await symlink('..2024_02', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..2024_01'), { recursive: true });
    const s = await until(p, sameNames(['HTTPRoute/default/v2']), 'the swapped ConfigMap');
    expect(s.objects[0]?.source).toEqual({ file: 'routes.yaml', document: 0 });
  });

  it('fails to start on a missing directory, or a file given as the directory', async () => {
    const missing = new FileProvider({ dir: join(dir, 'nope') });
    await expect(missing.start()).rejects.toMatchObject({ code: 'config-dir-unreadable' });
    await expect(missing.start()).rejects.toBeInstanceOf(ProvidersError);
    await write('file.yaml', obj('Gateway', 'g'));
    const notDir = new FileProvider({ dir: join(dir, 'file.yaml') });
    await expect(notDir.start()).rejects.toMatchObject({ code: 'config-dir-not-a-directory' });
  });

  it('keeps written statuses of current objects in memory and drops those of deleted objects', async () => {
    await write('a.yaml', `${obj('Gateway', 'g')}---\n${obj('GatewayClass', 'c')}`);
    await write('b.yaml', obj('HTTPRoute', 'r'));
    const p = await startProvider();
    const accepted = { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }] };
    await p.writeStatus([
      { kind: 'HTTPRoute', namespace: 'default', name: 'r', status: accepted },
      { kind: 'Gateway', namespace: 'default', name: 'g', status: accepted },
      { kind: 'GatewayClass', name: 'c', status: accepted },
      { kind: 'Gateway', namespace: 'default', name: 'not-mine', status: accepted },
    ]);
    expect(p.statuses().map((s) => `${s.kind}/${s.namespace ?? ''}/${s.name}`)).toEqual([
      'Gateway/default/g',
      'GatewayClass//c',
      'HTTPRoute/default/r',
    ]);
    await rm(join(dir, 'b.yaml'));
    await until(p, sameNames(['Gateway/default/g', 'GatewayClass//c']), 'b.yaml deleted');
    expect(p.statuses().map((s) => s.name)).toEqual(['g', 'c']);
    await p.writeStatus([{ kind: 'GatewayClass', name: 'c', status: {} }]);
    expect(p.statuses()).toEqual([{ kind: 'GatewayClass', name: 'c', status: {} }]);
  });
  // Stands in for the translators' check (checkObjectSchema): `bakendRefs` is an unknown field, `HttpRoute` an unread kind.
  const check = (o: KubeObject): ObjectVerdict =>
    o.kind === 'HttpRoute'
      ? { read: false, issues: [{ code: 'unknown-kind', path: 'kind', message: 'unknown kind "HttpRoute": did you mean HTTPRoute?' }] }
      : { read: true, issues: o.spec && typeof o.spec === 'object' && 'bakendRefs' in o.spec ? [{ code: 'unknown-field', path: 'spec.bakendRefs', message: 'unknown field "bakendRefs"' }] : [] };
  const spec = (s: ResourceSnapshot | undefined, name: string) => s?.objects.find((o) => o.object.metadata.name === name)?.object.spec;

  it('keeps serving the last valid version of an object whose new version fails the check, with the error', async () => {
    await write('r.yaml', `${obj('HTTPRoute', 'keep', '').replace('spec: {}', 'spec: {backendRefs: [a]}')}---
${obj('HTTPRoute', 'other')}`);
    const p = await startProvider(20, { check });
    await write('r.yaml', `${obj('HTTPRoute', 'keep', '').replace('spec: {}', 'spec: {bakendRefs: [a]}')}---
${obj('HTTPRoute', 'other', '  labels: {v: "2"}\n')}`);
    const broken = await until(p, (s) => s.errors.length > 0 && s.objects.some((o) => o.object.metadata.labels?.v === '2'), 'the other route updated, the typo reported');
    expect(spec(broken, 'keep')).toEqual({ backendRefs: ['a'] });
    expect(broken.errors).toEqual([
      expect.objectContaining({ source: { file: 'r.yaml', document: 0 }, object: { kind: 'HTTPRoute', namespace: 'default', name: 'keep' }, path: 'spec.bakendRefs', code: 'unknown-field' }),
    ]);
    await write('r.yaml', `${obj('HTTPRoute', 'keep', '').replace('spec: {}', 'spec: {backendRefs: [b]}')}---\n${obj('HTTPRoute', 'other')}`);
    const fixed = await until(p, (s) => s.errors.length === 0, 'the fix');
    expect(spec(fixed, 'keep')).toEqual({ backendRefs: ['b'] });
  });

  it('reports a kind typo naming the file, the kind and the kind meant', async () => {
    await write('typo.yaml', obj('HttpRoute', 'r'));
    const p = await startProvider(20, { check });
    expect(p.resources.value?.errors).toEqual([
      expect.objectContaining({ source: { file: 'typo.yaml', document: 0 }, object: { kind: 'HttpRoute', namespace: 'default', name: 'r' }, path: 'kind', code: 'unknown-kind' }),
    ]);
    expect(p.resources.value?.errors[0]?.message).toBe('typo.yaml: HttpRoute default/r: unknown kind "HttpRoute": did you mean HTTPRoute?');
  });

  it('keeps the objects of a truncated file that still parses until it is whole again', async () => {
    const whole = `${obj('Gateway', 'g')}---\n${obj('HTTPRoute', 'r1')}---\n${obj('HTTPRoute', 'r2')}`;
    await write('t.yaml', whole);
    const p = await startProvider();
    const seen = recordValues(p.resources);
    // Cut inside the third document's name: valid YAML, one object gone, no final newline.
    await write('t.yaml', whole.slice(0, whole.lastIndexOf('name: r2') + 'name: '.length - 1));
    const cut = await until(p, (s) => s.errors.some((e) => e.code === 'partial-file'), 'the partial file reported');
    expect(names(cut)).toEqual(['Gateway/default/g', 'HTTPRoute/default/r1', 'HTTPRoute/default/r2']);
    expect(cut.errors[0]?.message).toMatch(/^t\.yaml: does not end with a newline and lacks HTTPRoute default\/r2 of its last version/);
    await delay(1300); // past the settle time: still held, the file still looks cut
    expect(names(p.resources.value)).toContain('HTTPRoute/default/r2');
    await write('t.yaml', whole.replace('name: r2', 'name: r3'));
    await until(p, (s) => sameNames(['Gateway/default/g', 'HTTPRoute/default/r1', 'HTTPRoute/default/r3'])(s) && s.errors.length === 0, 'the whole file');
    seen.stop();
    for (const v of seen.values) expect(names(v)).toContain('HTTPRoute/default/r1');
  });

  it('removes objects deleted from a file once it has settled, keeping them while it may be mid-write', async () => {
    await write('d.yaml', `${obj('Gateway', 'g')}---\n${obj('HTTPRoute', 'gone')}`);
    const p = await startProvider(20, { partialWriteSettleMs: 600 });
    const t0 = Date.now();
    await write('d.yaml', obj('Gateway', 'g')); // ends with a newline: a whole file, or a write paused at a line end
    await delay(300);
    expect(names(p.resources.value)).toEqual(['Gateway/default/g', 'HTTPRoute/default/gone']);
    await until(p, sameNames(['Gateway/default/g']), 'the removal');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(p.resources.value?.errors).toEqual([]);
  });

  it('watches a config directory again after it is deleted and re-created', async () => {
    await write('a.yaml', obj('Gateway', 'a'));
    const p = await startProvider();
    await rm(dir, { recursive: true });
    const gone = await until(p, (s) => s.errors.some((e) => e.code === 'config-dir-unreadable'), 'the missing directory');
    expect(names(gone)).toEqual(['Gateway/default/a']); // a system error: the last state keeps serving
    await delay(400); // past every re-read the deletion's own events schedule
    await mkdir(dir);
    await write('b.yaml', obj('Gateway', 'b'));
    await until(p, (s) => sameNames(['Gateway/default/b'])(s) && s.errors.length === 0, 'the new file in the re-created directory');
    await delay(400);
    await write('c.yaml', obj('Gateway', 'c'));
    await until(p, sameNames(['Gateway/default/b', 'Gateway/default/c']), 'a later file: it is watched again');
  });

  it('watches a config directory replaced between two reloads', async () => {
    await write('a.yaml', obj('Gateway', 'a'));
    const p = await startProvider();
    await rename(dir, `${dir}-old`);
    await mkdir(dir);
    await rm(`${dir}-old`, { recursive: true });
    await write('b.yaml', obj('Gateway', 'b'));
    await until(p, sameNames(['Gateway/default/b']), 'the replaced directory');
    await delay(400); // past every re-read the replacement's own events schedule
    await write('c.yaml', obj('Gateway', 'c'));
    await until(p, sameNames(['Gateway/default/b', 'Gateway/default/c']), 'a later file');
  });

  it('refuses a file over the size limit with an error, keeping its last version', async () => {
    await write('s.yaml', obj('Gateway', 'small'));
    const p = await startProvider(20, { maxFileBytes: 1000 });
    await write('s.yaml', `${obj('Gateway', 'small')}# ${'x'.repeat(1000)}\n`);
    const s = await until(p, (v) => v.errors.length > 0, 'the size error');
    expect(names(s)).toEqual(['Gateway/default/small']);
    expect(s.errors).toEqual([expect.objectContaining({ source: { file: 's.yaml' }, path: '', code: 'file-too-large' })]);
    expect(s.errors[0]?.message).toMatch(/^s\.yaml: 0\.0 MiB is over the 0\.0 MiB limit for one configuration file; the file is refused .*\(serving the last version of s\.yaml that parsed\)$/);
  });

  it('refuses a file with too many YAML nodes with an error', async () => {
    await write('n.yaml', `${obj('Gateway', 'g')}---\nitems: [${Array.from({ length: 50 }, () => '1').join(', ')}]\n`);
    const p = await startProvider(20, { maxNodes: 40 });
    expect(p.resources.value?.objects).toEqual([]);
    expect(p.resources.value?.errors).toEqual([expect.objectContaining({ source: { file: 'n.yaml' }, code: 'too-many-nodes' })]);
  });

  it('stamps objects without a creationTimestamp with the time first seen, kept across edits', async () => {
    await write('old.yaml', obj('Ingress', 'zz-old'));
    await write('own.yaml', obj('Ingress', 'own', '  creationTimestamp: "2020-01-01T00:00:00Z"\n'));
    await write('also-old.yaml', obj('Ingress', 'also-old'));
    const p = await startProvider();
    const stamp = (s: ResourceSnapshot | undefined, name: string) => s?.objects.find((o) => o.object.metadata.name === name)?.object.metadata.creationTimestamp;
    const first = stamp(p.resources.value, 'zz-old');
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(stamp(p.resources.value, 'own')).toBe('2020-01-01T00:00:00Z');
    expect(stamp(p.resources.value, 'also-old')).toBe(first); // read together: equally old, so namespace/name decides
    await delay(20);
    await write('new.yaml', obj('Ingress', 'aa-new'));
    await write('old.yaml', obj('Ingress', 'zz-old', '  labels: {edited: "yes"}\n'));
    const s = await until(p, (v) => names(v).includes('Ingress/default/aa-new') && v.objects.some((o) => o.object.metadata.labels?.edited), 'the new and the edited Ingress');
    expect(stamp(s, 'zz-old')).toBe(first); // edited, still as old as it was
    expect(stamp(s, 'aa-new')! > first!).toBe(true); // newer, whatever its name
  });
});
