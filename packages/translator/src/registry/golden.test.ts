// Golden files: testdata/<case>.in.yaml (McpBridges, RegistryServices, Secrets) → <case>.out.yaml (sources, backends, errors).
// UPDATE_GOLDEN=1 rewrites outputs and deletes outputs whose input is gone.
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { translateRegistries } from './translate';

const DIR = join(__dirname, 'testdata');
const IN = '.in.yaml';
const OUT = '.out.yaml';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(IN))
  .map((f) => f.slice(0, -IN.length))
  .sort();

if (UPDATE) {
  for (const f of readdirSync(DIR).filter((f) => f.endsWith(OUT))) {
    if (!cases.includes(f.slice(0, -OUT.length))) unlinkSync(join(DIR, f));
  }
}

function load(name: string): SourcedObject[] {
  const file = `${name}${IN}`;
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).flatMap((doc, document) => {
    if (doc.errors.length) throw new Error(`${file} document ${document}: ${doc.errors[0]?.message}`);
    const object = doc.toJS() as KubeObject | null;
    return object ? [{ object, source: { file, document } }] : [];
  });
}

/** What a reviewer reads: the Nacos sources, every host's backend (all ports), the errors. */
function render(objects: SourcedObject[]): string {
  const result = translateRegistries(objects);
  const backends = Object.fromEntries(result.catalog.hosts().map((h) => [h, result.catalog.resolve(h)]));
  return stringify({ nacosSources: result.nacosSources, backends, errors: result.errors }, { lineWidth: 0, aliasDuplicateObjects: false });
}

describe('registry golden files', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  test.each(cases)('%s', (name) => {
    const text = render(load(name));
    const outFile = join(DIR, `${name}${OUT}`);
    if (UPDATE) writeFileSync(outFile, text);
    else if (!existsSync(outFile)) throw new Error(`${name}${OUT} is missing; run with UPDATE_GOLDEN=1`);
    else expect(text).toEqual(readFileSync(outFile, 'utf8'));
  });

  test.each(cases)('%s: input order does not change the result', (name) => {
    const objects = load(name);
    expect(render([...objects].reverse())).toEqual(render(objects));
  });
});
