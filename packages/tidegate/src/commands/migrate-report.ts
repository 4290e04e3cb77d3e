// `tidegate migrate-report PATH...`: how well Tidegate covers the Ingresses (and annotations) in YAML files or directories.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { parseAllDocuments } from 'yaml';
import { redactSecrets, redactText, type KubeObject, type SourcedObject } from '@tidegate/common';
import { migrationReport } from '@tidegate/translator';

/** Every `*.yaml` / `*.yml` under the paths (directories recursively, dot-entries skipped), sorted. */
export function yamlFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (path: string, top: boolean): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (!name.startsWith('.')) walk(join(path, name), false);
    } else if (top || /\.ya?ml$/i.test(path)) out.push(path);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/**
 * The objects in YAML files, each `kind: List` (what `kubectl get -o yaml` writes) or `<Kind>List`
 * unpacked into its items; documents that do not parse are returned as problems.
 */
export function loadObjects(files: readonly string[], base = process.cwd()): { objects: SourcedObject[]; problems: string[] } {
  const objects: SourcedObject[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const name = relative(base, file) || file;
    parseAllDocuments(readFileSync(file, 'utf8')).forEach((doc, document) => {
      if (doc.errors.length) {
        problems.push(`${name} document ${document}: ${doc.errors[0]?.message.split('\n')[0]}`);
        return;
      }
      for (const object of unpackLists(doc.toJS())) objects.push({ object, source: { file: name, document } });
    });
  }
  return { objects, problems };
}

/** A document's objects: itself, or the items of a list (typed lists' items may leave out their kind). */
function unpackLists(value: unknown): KubeObject[] {
  if (!value || typeof value !== 'object') return [];
  const o = value as Partial<KubeObject> & { items?: unknown };
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    const kind = o.kind === 'List' ? undefined : o.kind.slice(0, -'List'.length);
    return o.items.flatMap((item) => unpackLists(kind && item && typeof item === 'object' && !('kind' in item) ? { kind, apiVersion: o.apiVersion, ...item } : item));
  }
  return typeof o.kind === 'string' && o.metadata ? [o as KubeObject] : [];
}

export function migrateReportCommand(): Command {
  return new Command('migrate-report')
    .description('per Ingress and annotation: supported, partly supported (and what differs) or unsupported (and why); exit code 0 only when there are Ingresses and everything is supported')
    .argument('<path...>', 'YAML files or directories (read recursively); `kubectl get ingress -A -o yaml` output (kind: List) too')
    .option('--ingress-class <name>', 'report only the Ingresses of this class (the others are counted); default every class')
    .addOption(new Option('-o, --output <format>', 'text, or json for the whole report').choices(['text', 'json']).default('text'))
    .action((paths: string[], flags: { ingressClass?: string; output: 'text' | 'json' }) => {
      const { objects, problems } = loadObjects(yamlFiles(paths));
      const report = migrationReport(objects, flags.ingressClass ? { ingressClass: flags.ingressClass } : {});
      if (flags.output === 'json') {
        const { text: _text, exitCode: _code, ...rest } = report;
        process.stdout.write(JSON.stringify(redactSecrets({ ...rest, unreadable: problems }), null, 2) + '\n');
      } else {
        for (const p of problems) process.stdout.write(`cannot read ${redactText(p)}\n`);
        process.stdout.write(redactText(report.text));
      }
      process.exitCode = problems.length ? 1 : report.exitCode;
    });
}
