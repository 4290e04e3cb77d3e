// Request mirroring: a copy of a share of the traffic goes to another backend, responses ignored.
import type { Mirror } from '@tidegate/ir';
import type { EnvoyObject } from './envoy-object';
import { fractionalPercent } from './percent';

/** `request_mirror_policies`; 0 % mirrors are left out and 100 % needs no fraction. */
export function mirrorPolicies(mirrors: Mirror[] | undefined): EnvoyObject[] | undefined {
  const policies = (mirrors ?? [])
    .filter((m) => m.percent > 0)
    .map((m) => {
      const policy: EnvoyObject = { cluster: m.backend };
      if (m.percent < 100) policy.runtime_fraction = { default_value: fractionalPercent(m.percent) };
      return policy;
    });
  return policies.length ? policies : undefined;
}
