// Network namespaces joined to this one by a veth pair, with iproute2's `ip`: the plumbing under test hosts.
import { execFile, spawn } from 'node:child_process';

/** 198.18.0.0/15 (RFC 2544 benchmarking): never routed outside a test machine. Each test host gets one /30 of it. */
const RANGE_START = ((198 << 24) | (18 << 16)) >>> 0;
const BLOCKS = 1 << 15;
/** Blocks tried after the preferred one before giving up (others may be held by parallel workers). */
const CLAIM_ATTEMPTS = 64;
/** Inside its namespace a host's end of the veth has this name (namespaces are private, so it never clashes). */
export const INNER_LINK = 'veth0';
/** Prefix of every namespace this module creates: `tg-<pid>-<n>`, so stale ones can be told apart by owner. */
const NAME = /^tg-(\d+)-\d+$/;

/** One network namespace and its veth pair, as created. */
export interface Netns {
  /** `tg-<pid>-<n>`. */
  name: string;
  /** The root namespace's end of the veth (`tgv<block>`). */
  link: string;
  /** The namespace end's IPv4 address. */
  address: string;
  /** The root end's IPv4 address (the source of traffic from this namespace). */
  peerAddress: string;
}

/** Runs `ip` and resolves with its stdout; rejects with its stderr in the message. */
export function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const why = missing ? 'iproute2 `ip` is not installed (apt-get install -y iproute2)' : stderr.trim() || err.message;
      reject(new Error(`ip ${args.join(' ')}: ${why}`));
    });
  });
}

const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** The /30 blocks of the range that some interface of this namespace already has an address in. */
async function blocksInUse(): Promise<Set<number>> {
  const used = new Set<number>();
  for (const m of (await ip(['-4', '-o', 'addr', 'show'])).matchAll(/inet (\d+)\.(\d+)\.(\d+)\.(\d+)\//g)) {
    const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    if (n - RANGE_START >= 0 && n - RANGE_START < BLOCKS * 4) used.add((n - RANGE_START) >>> 2);
  }
  return used;
}

/** Adds namespace `tg-<pid>-<n>`, or the next free `n` (jest gives each test file fresh module state in one process). */
async function addNamespace(n: number): Promise<string> {
  for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
    const name = `tg-${process.pid}-${n + i}`;
    try {
      await ip(['netns', 'add', name]);
      return name;
    } catch (err) {
      if (!/exists/i.test(String(err))) throw err;
    }
  }
  throw new Error(`no free namespace name tg-${process.pid}-N after ${CLAIM_ATTEMPTS} attempts`);
}

/**
 * Creates a namespace and a veth pair into it, addressed from a /30 of 198.18.0.0/15 and brought up
 * (with the namespace's `lo`). The preferred block comes from the pid and `n`; a block is claimed by
 * creating the root link named after it, which fails for everyone but one process.
 */
export async function createNetns(n: number): Promise<Netns> {
  const name = await addNamespace(n);
  try {
    const used = await blocksInUse();
    const preferred = ((process.pid % 4096) * 8 + n) % BLOCKS;
    for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
      const block = (preferred + i) % BLOCKS;
      if (used.has(block)) continue;
      const link = `tgv${block}`;
      try {
        await ip(['link', 'add', link, 'type', 'veth', 'peer', 'name', INNER_LINK, 'netns', name]);
      } catch (err) {
        if (/exists/i.test(String(err))) continue;
        throw err;
      }
      const base = RANGE_START + block * 4;
      const netns = { name, link, peerAddress: dotted(base + 1), address: dotted(base + 2) };
      await ip(['addr', 'add', `${netns.peerAddress}/30`, 'dev', link]);
      await ip(['link', 'set', link, 'up']);
      await ip(['-n', name, 'addr', 'add', `${netns.address}/30`, 'dev', INNER_LINK]);
      await ip(['-n', name, 'link', 'set', INNER_LINK, 'up']);
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
      return netns;
    }
    throw new Error(`no free /30 in 198.18.0.0/15 after ${CLAIM_ATTEMPTS} attempts`);
  } catch (err) {
    await deleteNetns({ name });
    throw err;
  }
}

/** Deletes the veth (both ends) and the namespace; what is already gone is not an error. */
export async function deleteNetns(netns: { name: string; link?: string }): Promise<void> {
  if (netns.link) await ip(['link', 'del', netns.link]).catch(() => undefined);
  await ip(['netns', 'del', netns.name]).catch(() => undefined);
}

/**
 * Removes namespaces left by test runs that died without cleaning up (SIGKILLed workers): any
 * `tg-<pid>-<n>` whose pid is gone loses its processes and is deleted, which also removes its veth.
 */
export async function reapStaleNetns(): Promise<void> {
  const listed = await ip(['netns', 'list']).catch(() => '');
  for (const line of listed.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = NAME.exec(name)?.[1];
    if (!owner || Number(owner) === process.pid || alive(Number(owner))) continue;
    const pids = await ip(['netns', 'pids', name]).catch(() => '');
    for (const pid of pids.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    await deleteNetns({ name });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a detached watchdog that, once this process is gone however it ended (even SIGKILL), kills
 * what runs in this process's namespaces and deletes them. It waits for EOF on a pipe from this
 * process: jest sandboxes `process`, so an 'exit' handler registered from a test never runs.
 */
export function startNetnsWatchdog(): void {
  const script = [
    'cat >/dev/null',
    'for ns in $(ip netns list | sed -n "s/^\\(tg-$1-[0-9]*\\).*/\\1/p"); do',
    '  kill -9 $(ip netns pids "$ns") 2>/dev/null',
    '  ip netns del "$ns"',
    'done',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'tidegate-netns-watchdog', String(process.pid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.on('error', () => undefined);
  // Neither the process nor its pipe may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref(): void }).unref();
}
