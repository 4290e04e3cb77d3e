// Where scripts/install-conformance.sh put the suite, echo-basic and kube-controller-manager.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** Repository root: dist/ and src/ are both three levels below it. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface ConformanceComponents {
  /** `go test -c` of sigs.k8s.io/gateway-api/conformance. */
  suite: string;
  echoBasic: string;
  controllerManager: string;
  /** The conformance module's folder in the Go module cache (its manifests and sources). */
  moduleDir: string;
  gatewayApiVersion: string;
}

/** Runs the install script (`all` builds what is missing; `check` only looks) and reads its KEY=VALUE lines. */
export function conformanceComponents(install: boolean): ConformanceComponents {
  let out: string;
  try {
    out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/install-conformance.sh'), install ? 'all' : 'check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  } catch (err) {
    throw new Error(`conformance components are missing (scripts/install-conformance.sh): ${(err as Error).message}`);
  }
  const env = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return {
    suite: env.CONFORMANCE_TEST!,
    echoBasic: env.ECHO_BASIC!,
    controllerManager: env.KUBE_CONTROLLER_MANAGER!,
    moduleDir: env.CONFORMANCE_MODULE_DIR!,
    gatewayApiVersion: env.GATEWAY_API_VERSION!,
  };
}
