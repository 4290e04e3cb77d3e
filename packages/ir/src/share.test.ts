import { shareUnchanged } from './share';

const host = (name: string, path: string) => ({ name, domains: [name], routes: [{ name: `${name}-r`, match: { path: { kind: 'prefix', value: path } } }] });

describe('shareUnchanged', () => {
  it('returns the previous object when nothing changed', () => {
    const a = { name: 'g', hosts: [host('a', '/'), host('b', '/b')], port: 80 };
    const b = JSON.parse(JSON.stringify(a)) as typeof a;
    expect(shareUnchanged(a, b)).toBe(a);
  });

  it('keeps unchanged parts and takes changed ones', () => {
    const a = { name: 'g', hosts: [host('a', '/'), host('b', '/b'), host('c', '/c')], port: 80 };
    const b = { name: 'g', hosts: [host('a', '/'), host('b', '/changed'), host('c', '/c')], port: 80 };
    const out = shareUnchanged(a, b);
    expect(out).not.toBe(a);
    expect(out).toEqual(b);
    expect(out.hosts[0]).toBe(a.hosts[0]);
    expect(out.hosts[2]).toBe(a.hosts[2]);
    expect(out.hosts[1]).not.toBe(a.hosts[1]);
    expect(out.hosts[1]!.domains).toBe(a.hosts[1]!.domains);
  });

  it('pairs named elements by name, so an insertion leaves the others shared', () => {
    const a = { hosts: [host('a', '/'), host('c', '/c')] };
    const b = { hosts: [host('a', '/'), host('b', '/b'), host('c', '/c')] };
    const out = shareUnchanged(a, b);
    expect(out.hosts.map((h) => h.name)).toEqual(['a', 'b', 'c']);
    expect(out.hosts[0]).toBe(a.hosts[0]);
    expect(out.hosts[2]).toBe(a.hosts[1]);
  });

  it('notices removed keys, removed elements and reordering', () => {
    const a: { x: number; y?: number; list: number[]; hosts: Array<ReturnType<typeof host>> } = { x: 1, y: 2, list: [1, 2, 3], hosts: [host('a', '/'), host('b', '/b')] };
    expect(shareUnchanged(a, { x: 1, list: [1, 2, 3], hosts: a.hosts })).toEqual({ x: 1, list: [1, 2, 3], hosts: a.hosts });
    expect(shareUnchanged(a, { ...a, list: [1, 2] }).list).toEqual([1, 2]);
    const swapped = shareUnchanged(a, { ...a, hosts: [host('b', '/b'), host('a', '/')] });
    expect(swapped.hosts.map((h) => h.name)).toEqual(['b', 'a']);
    expect(swapped.hosts[0]).toBe(a.hosts[1]);
    expect(swapped).not.toBe(a);
  });

  it('takes the new value when there is no previous one', () => {
    const b = { a: 1 };
    expect(shareUnchanged(undefined, b)).toBe(b);
  });
});
