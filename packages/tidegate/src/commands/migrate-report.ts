// `tidegate migrate-report PATH...`: how well Tidegate covers the Ingresses (and annotations) in YAML files or directories.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
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

/** The objects in YAML files; documents that do not parse are returned as problems. */
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
      const object = doc.toJS() as KubeObject | null;
      if (object && typeof object === 'object' && typeof object.kind === 'string' && object.metadata) objects.push({ object, source: { file: name, document } });
    });
  }
  return { objects, problems };
}

export function migrateReportCommand(): Command {
  return new Command('migrate-report')
    .description('per Ingress and annotation: supported, partly supported (and what differs) or unsupported (and why); exit code 0 when everything is supported')
    .argument('<path...>', 'YAML files or directories (read recursively)')
    .action((paths: string[]) => {
      const { objects, problems } = loadObjects(yamlFiles(paths));
      const report = migrationReport(objects);
      for (const p of problems) process.stdout.write(`cannot read ${p}\n`);
      process.stdout.write(report.text);
      process.exitCode = problems.length ? 1 : report.exitCode;
    });
}
