// Flag parsers shared by the commands.
import { InvalidArgumentError } from 'commander';
import { parseAddressPool } from '@tidegate/translator';

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port (0-65535)`);
  return n;
}

export function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number (0 or more)`);
  return n;
}

export function cidr(value: string): string {
  if (!parseAddressPool(value)) throw new InvalidArgumentError(`"${value}" is not an IPv4 CIDR (e.g. 127.10.0.0/16)`);
  return value;
}

export function hostPort(value: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" is not HOST:PORT`);
  return { host: m[1]!, port: port(m[2]!) };
}

export function oneOf<T extends string>(...allowed: T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
