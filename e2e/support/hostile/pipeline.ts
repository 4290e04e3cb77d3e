// One hostile case through the real stages: files on disk → file provider → translators → Envoy resources.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResourceSnapshot } from '@tidegate/common';
import { FileProvider, LastValidObjects } from '@tidegate/providers';
import { buildResourceSet, checkObjectSchema, translateProxyGroup, type EnvoyResources, type TranslationError } from '@tidegate/translator';
import { CONTROLLER_NAME } from '@tidegate/tidegate';
import { listConfigFiles } from '../../../packages/providers/src/file/config-files';
import { mergeFiles } from '../../../packages/providers/src/file/merge-files';
import { parseConfigFile } from '../../../packages/providers/src/file/parse-file';
import { translateResources } from '../../../packages/tidegate/src/pipeline/translate';
import { ingressTranslateOptions } from '../../../packages/tidegate/src/pipeline/translate-ingress';

/** One file of a case: a path relative to the config directory and its bytes. */
export interface CaseFile {
  path: string;
  content: string | Buffer;
}

export interface CaseSettings {
  ingressClass: string;
  /**
   * `provider`: the real FileProvider, as the control plane builds it (parse workers, limits,
   * partial-write and last-valid rules; a few hundred ms to start). `parse`: its parse, merge
   * and check functions on the main thread, as a fresh provider applies them (milliseconds).
   */
  loader: 'provider' | 'parse';
  /** The Envoy layer's scoped-routes threshold (absent: the default). */
  scopedRoutesMinHosts?: number;
}

/** What became of one case. `violations` empty means every property held. */
export interface CaseOutcome {
  violations: string[];
  errors: TranslationError[];
  /** Objects the provider loaded. */
  objects: number;
  /** Envoy resources of every proxy group that built. */
  groups: Array<{ name: string; resources: EnvoyResources }>;
  /** Load + translate + build, in milliseconds. */
  ms: number;
}

const LISTEN_ADDRESS = '127.0.0.1';

/**
 * Writes the files to a fresh directory, loads them with the real FileProvider, translates
 * the snapshot as the control plane does, and builds each proxy group's Envoy resources.
 * Never throws: a crash in any stage is a violation. The case's directory is made in `tmpRoot`.
 */
export async function runCase(files: readonly CaseFile[], settings: CaseSettings, tmpRoot = tmpdir()): Promise<CaseOutcome> {
  const dir = await mkdtemp(join(tmpRoot, 'case-'));
  const outcome: CaseOutcome = { violations: [], errors: [], objects: 0, groups: [], ms: 0 };
  try {
    for (const f of files) {
      await mkdir(dirname(join(dir, f.path)), { recursive: true });
      await writeFile(join(dir, f.path), f.content);
    }
    const started = performance.now();
    const snapshot = settings.loader === 'provider' ? await loadWithProvider(dir, outcome) : await loadByParsing(dir, outcome);
    if (snapshot) {
      outcome.objects = snapshot.objects.length;
      translateAndBuild(snapshot, settings, outcome);
    }
    outcome.ms = performance.now() - started;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return outcome;
}

async function loadWithProvider(dir: string, outcome: CaseOutcome): Promise<ResourceSnapshot | undefined> {
  const provider = new FileProvider({ dir, check: checkObjectSchema });
  try {
    await provider.start();
    const snapshot = provider.resources.value;
    if (!snapshot) outcome.violations.push('file provider published no snapshot');
    return snapshot;
  } catch (err) {
    outcome.violations.push(`file provider threw: ${stack(err)}`);
    return undefined;
  } finally {
    await provider.stop();
  }
}

/** What a fresh FileProvider publishes for the directory, from the functions it runs. */
async function loadByParsing(dir: string, outcome: CaseOutcome): Promise<ResourceSnapshot | undefined> {
  try {
    const listing = await listConfigFiles(dir);
    const contributions = await Promise.all(
      listing.files.map(async (file) => {
        const parsed = parseConfigFile(file, await readFile(join(dir, file), 'utf8'));
        return { objects: parsed.objects, errors: [...parsed.syntaxErrors, ...parsed.objectErrors] };
      }),
    );
    return new LastValidObjects(checkObjectSchema).applyTo(mergeFiles(contributions, listing.errors));
  } catch (err) {
    outcome.violations.push(`file provider functions threw: ${stack(err)}`);
    return undefined;
  }
}

function translateAndBuild(snapshot: ResourceSnapshot, settings: CaseSettings, outcome: CaseOutcome): void {
  let state;
  try {
    state = translateResources(snapshot, {
      controllerName: CONTROLLER_NAME,
      defaultListenAddress: LISTEN_ADDRESS,
      ingress: ingressTranslateOptions({ ingressClass: settings.ingressClass, httpPort: 8080, httpsPort: 8443 }, LISTEN_ADDRESS),
    });
  } catch (err) {
    outcome.violations.push(`translators threw: ${stack(err)}`);
    return;
  }
  outcome.errors = state.errors;
  outcome.violations.push(...state.errors.flatMap(errorProblems));
  const options = settings.scopedRoutesMinHosts === undefined ? {} : { scopedRoutesMinHosts: settings.scopedRoutesMinHosts };
  for (const group of state.proxyGroups) {
    let resources: EnvoyResources;
    try {
      resources = translateProxyGroup(group, options);
    } catch (err) {
      outcome.violations.push(`Envoy translation of ${group.name} threw: ${stack(err)}`);
      continue;
    }
    // What the publisher would refuse (a system error): a user's input must never get here.
    const built = buildResourceSet(resources);
    if (!built.ok) {
      outcome.violations.push(`Envoy resources of ${group.name} fail the publisher's checks: ${built.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      continue;
    }
    outcome.groups.push({ name: group.name, resources });
  }
}

/**
 * What is wrong with how one error is reported. Every error names the object (kind and name)
 * and the field, and the file it came from. A document that reveals no identity (YAML that does
 * not parse, a document that is not a mapping) is named by `file:line:column` instead, and a
 * problem with the whole file by the file.
 */
export function errorProblems(e: TranslationError): string[] {
  const problems: string[] = [];
  const named = e.object.kind !== '' && e.object.name !== '';
  // `file:line:column: …`, or `file: …` for what concerns the file as a whole (too large, unreadable).
  const located = e.source?.file !== undefined && new RegExp(`^${escape(e.source.file)}(:\\d+:\\d+)?: `).test(e.message);
  if (e.message.startsWith('internal:')) problems.push('a translator bug reached the user');
  if (e.source?.file === undefined) problems.push('no file');
  if (!named && !located) problems.push('neither the object (kind and name) nor file:line:column');
  if (named && e.path === '' && !located) problems.push('no field path');
  if (/PRIVATE KEY/.test(e.message)) problems.push('quotes a private key');
  return problems.length ? [`${problems.join(', ')}: ${JSON.stringify(e).slice(0, 600)}`] : [];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function stack(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
