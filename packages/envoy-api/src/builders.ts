// Small typed helpers for the shapes every translator writes.
import { typeUrlOf } from './type-urls';

/** A protobuf Duration from milliseconds. */
export function duration(ms: number): { seconds: number; nanos?: number } {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos ? { seconds, nanos } : { seconds };
}

/** An Any in object form: `{ '@type': url, ...fields }`. */
export function typed<T extends object>(messageFullName: string, fields: T): T & { '@type': string } {
  return { '@type': typeUrlOf(messageFullName), ...fields };
}

/** A google.protobuf.UInt32Value / BoolValue wrapper. */
export const wrap = <T>(value: T): { value: T } => ({ value });

/** A socket address on TCP. */
export function socketAddress(address: string, port: number): { socket_address: { address: string; port_value: number } } {
  return { socket_address: { address, port_value: port } };
}
