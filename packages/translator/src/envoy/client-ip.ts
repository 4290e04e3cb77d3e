// The real client address: X-Forwarded-For handling on the listener and an x-real-ip header.
import type { HttpListener } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { headerValueOption } from './header-mutation';

/**
 * HCM fields: Envoy uses the peer address (after `xff_num_trusted_hops` trusted proxies)
 * as the client, and appends it to X-Forwarded-For for backends.
 */
export function clientAddressFields(l: HttpListener): EnvoyObject {
  const out: EnvoyObject = { use_remote_address: { value: true } };
  if (l.xffNumTrustedHops) out.xff_num_trusted_hops = l.xffNumTrustedHops;
  return out;
}

/** Route-configuration headers: `x-real-ip` set (never appended) to the client address Envoy settled on. */
export function realIpHeader(): EnvoyObject[] {
  return [headerValueOption('x-real-ip', '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%', 'OVERWRITE_IF_EXISTS_OR_ADD')];
}
