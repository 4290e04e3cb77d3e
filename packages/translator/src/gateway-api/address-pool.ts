// Address pool: each Gateway that requests no address gets its own IPv4 address from a CIDR, stable across translations.
import { isIPv4 } from 'node:net';

/** A parsed IPv4 CIDR: the usable addresses are `first .. first + size - 1`. */
export interface AddressPool {
  first: number;
  size: number;
}

/**
 * Parses an IPv4 CIDR such as `127.10.0.0/16`. Blocks of four or more addresses leave out the
 * network and broadcast addresses. Undefined when the text is not an IPv4 CIDR.
 */
export function parseAddressPool(text: string): AddressPool | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) return undefined;
  const bits = Number(m[2]);
  const total = 2 ** (32 - bits);
  const network = (toNumber(m[1]!) - (toNumber(m[1]!) % total)) >>> 0;
  return total >= 4 ? { first: network + 1, size: total - 2 } : { first: network, size: total };
}

/**
 * Assigns each key (a Gateway's `namespace/name`) an address of the pool that is not in `taken`.
 * The address comes from a hash of the key, so it does not depend on which other Gateways exist;
 * only on a collision does the key (in sorted order, later one) move to the next free address.
 * Keys left over when the pool is full get none.
 */
export function assignPoolAddresses(keys: readonly string[], pool: AddressPool, taken: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set(taken);
  for (const key of [...keys].sort()) {
    const start = fnv1a(key) % pool.size;
    for (let i = 0; i < pool.size; i++) {
      const address = toDotted(pool.first + ((start + i) % pool.size));
      if (used.has(address)) continue;
      used.add(address);
      out.set(key, address);
      break;
    }
  }
  return out;
}

/** 32-bit FNV-1a: small, stable across Node.js versions. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function toNumber(dotted: string): number {
  return dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
