// FileProvider behaviour on a real temp directory: errors, last-good, watching, status.
import { mkdir, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResourceSnapshot } from '@tidegate/common';
import { ProvidersError } from '../errors';
import { delay, recordValues, waitForValue } from '../test-support/wait-for';
import { makeTempDir } from '../test-support/temp-dir';
import { FileProvider } from './file-provider';

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
  const startProvider = async (debounceMs = 20) => {
    provider = new FileProvider({ dir, debounceMs });
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
});
