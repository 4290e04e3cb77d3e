// Which processes listen on a TCP port: /proc/net/tcp{,6} for the socket, /proc/<pid>/fd for its owner.
import * as fs from 'node:fs';

/** A listening TCP socket on the port asked about, and the process that holds it when it can be seen. */
export interface PortHolder {
  /** The address the socket is bound to (`0.0.0.0`, `::`, `127.0.0.1`, …). */
  address: string;
  port: number;
  /** Absent when the socket's owner cannot be seen (another user's process, without root). */
  pid?: number;
  /** The process's command name (`/proc/<pid>/comm`), e.g. `envoy`. */
  name?: string;
}

const LISTEN = '0A';

/**
 * The listening TCP sockets that keep `address:port` from being bound (Linux; elsewhere, none):
 * one on the same address, or a wildcard of that family, or `::` (dual-stack unless the owner set
 * IPV6_V6ONLY, which /proc does not show). A socket shared by several processes (forked) is listed
 * once per process; sockets of the process `except` are left out. Reads /proc synchronously: a
 * few milliseconds, for diagnostics only.
 */
export function portHolders(address: string, port: number, options: { except?: number } = {}): PortHolder[] {
  let sockets = [...listeningSockets('/proc/net/tcp', false), ...listeningSockets('/proc/net/tcp6', true)].filter(
    (s) => s.port === port && blocks(s.address, address),
  );
  // `except` (the Envoy meant to hold the port): its sockets are looked up first, and only
  // others send us through every process's open files.
  if (options.except !== undefined && sockets.length) {
    const own = socketOwners(new Set(sockets.map((s) => s.inode)), [String(options.except)]);
    sockets = sockets.filter((s) => !own.has(s.inode));
  }
  if (sockets.length === 0) return [];
  const owners = socketOwners(new Set(sockets.map((s) => s.inode)));
  return sockets.flatMap(({ address: a, port: p, inode }) => {
    const pids = owners.get(inode) ?? [];
    if (pids.length === 0) return [{ address: a, port: p }];
    return pids.map((pid) => ({ address: a, port: p, pid, ...optional('name', processName(pid)) }));
  });
}

/** `pid 123, envoy` for each holder (or that its owner cannot be seen). */
export function describeHolders(holders: readonly PortHolder[]): string {
  const parts = holders.map((h) => (h.pid === undefined ? `a process this user cannot see, on ${h.address}` : `pid ${h.pid}, ${h.name ?? 'unknown'}`));
  return [...new Set(parts)].join('; ');
}

/**
 * `port 8080 on 0.0.0.0 is held by another process (pid 123, envoy)`, with a hint when that is
 * an Envoy (most likely one left over from an earlier run).
 */
export function portHeldMessage(address: string, port: number, holders: readonly PortHolder[]): string {
  const envoys = holders.filter((h) => h.name === 'envoy' && h.pid !== undefined).map((h) => h.pid);
  const hint = envoys.length ? `; an Envoy from an earlier run? stop it (kill ${[...new Set(envoys)].join(' ')})` : '';
  return `port ${port} on ${address} is held by another process (${describeHolders(holders)})${hint}`;
}

interface Socket {
  address: string;
  port: number;
  inode: string;
}

function listeningSockets(file: string, v6: boolean): Socket[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: Socket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [hexAddress, hexPort] = (f[1] ?? '').split(':');
    if (!hexAddress || !hexPort) continue;
    out.push({ address: v6 ? ipv6(hexAddress) : ipv4(hexAddress), port: parseInt(hexPort, 16), inode: f[9] ?? '' });
  }
  return out;
}

/** /proc/net/tcp writes each 32-bit word of the address in host (little-endian) byte order. */
function words(hex: string): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < hex.length; i += 8) {
    const word = hex.slice(i, i + 8);
    out.push([6, 4, 2, 0].map((j) => parseInt(word.slice(j, j + 2), 16)));
  }
  return out;
}

function ipv4(hex: string): string {
  return (words(hex)[0] ?? []).join('.');
}

function ipv6(hex: string): string {
  const bytes = words(hex).flat();
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address it stands for.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  return text;
}

/** Whether a socket bound to `held` keeps `wanted` (same port) from being bound. */
function blocks(held: string, wanted: string): boolean {
  if (held === wanted || held === '::') return true;
  const v6 = (a: string) => a.includes(':');
  if (v6(held) !== v6(wanted)) return false; // Envoy binds `::` IPv6-only
  return held === '0.0.0.0' || wanted === '0.0.0.0' || wanted === '::';
}

/** inode → pids (of `among`, default every process) whose open files include `socket:[inode]`. */
function socketOwners(inodes: ReadonlySet<string>, among?: readonly string[]): Map<string, number[]> {
  const owners = new Map<string, number[]>();
  let pids: readonly string[];
  try {
    pids = among ?? fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m || !inodes.has(m[1]!)) continue;
      const list = owners.get(m[1]!) ?? [];
      if (!list.includes(Number(pid))) list.push(Number(pid));
      owners.set(m[1]!, list);
    }
  }
  return owners;
}

function processName(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
