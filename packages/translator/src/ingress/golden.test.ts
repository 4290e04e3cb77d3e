// Golden files: testdata/<case>.in.yaml (resources) → <case>.out.yaml (proxyGroups, statuses, errors, annotation report).
// UPDATE_GOLDEN=1 rewrites outputs and deletes outputs whose input is gone. A case may start with
// `# options: {...}` (JSON) to change the translator options.
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { validateProxyGroup, type ProxyGroup } from '@tidegate/ir';
import { buildResourceSet, translateProxyGroup } from '../envoy';
import { allAnnotations } from './annotations/registry';
import { HIGRESS_PREFIX, NGINX_PREFIX } from './annotations/annotation';
import { translateIngress } from './translate';
import type { IngressTranslateOptions } from './types';

const DIR = join(__dirname, 'testdata');
const IN = '.in.yaml';
const OUT = '.out.yaml';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const OPTIONS: IngressTranslateOptions = {
  ingressClass: 'tidegate',
  controllerName: 'tidegate.io/ingress-controller',
  gateway: { name: 'tidegate/ingress', address: '0.0.0.0', httpPort: 8080, httpsPort: 8443 },
  publishAddress: '192.0.2.10',
};

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(IN))
  .map((f) => f.slice(0, -IN.length))
  .sort();

if (UPDATE) {
  for (const f of readdirSync(DIR).filter((f) => f.endsWith(OUT))) {
    if (!cases.includes(f.slice(0, -OUT.length))) unlinkSync(join(DIR, f));
  }
}

function load(name: string): { objects: SourcedObject[]; options: IngressTranslateOptions; text: string } {
  const file = `${name}${IN}`;
  const text = readFileSync(join(DIR, file), 'utf8');
  const header = /^# options: (\{.*\})$/m.exec(text);
  const options = header ? { ...OPTIONS, ...(JSON.parse(header[1] as string) as Partial<IngressTranslateOptions>) } : OPTIONS;
  const objects = parseAllDocuments(text).flatMap((doc, document) => {
    if (doc.errors.length) throw new Error(`${file} document ${document}: ${doc.errors[0]?.message}`);
    const object = doc.toJS() as KubeObject | null;
    return object ? [{ object, source: { file, document } }] : [];
  });
  return { objects, options, text };
}

const render = (value: unknown): string => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

describe('ingress golden files', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  test.each(cases)('%s', (name) => {
    const { objects, options } = load(name);
    const text = render(translateIngress(objects, options));
    const outFile = join(DIR, `${name}${OUT}`);
    if (UPDATE) writeFileSync(outFile, text);
    else if (!existsSync(outFile)) throw new Error(`${name}${OUT} is missing; run with UPDATE_GOLDEN=1`);
    else expect(text).toEqual(readFileSync(outFile, 'utf8'));
  });

  test.each(cases)('%s: every golden ProxyGroup passes IR validation', (name) => {
    const golden = parse(readFileSync(join(DIR, `${name}${OUT}`), 'utf8')) as { proxyGroups: ProxyGroup[] };
    for (const group of golden.proxyGroups) expect(validateProxyGroup(group)).toEqual({ ok: true, value: group });
  });

  test.each(cases)('%s: every golden ProxyGroup translates to a checked Envoy snapshot', (name) => {
    const golden = parse(readFileSync(join(DIR, `${name}${OUT}`), 'utf8')) as { proxyGroups: ProxyGroup[] };
    for (const group of golden.proxyGroups) {
      const built = buildResourceSet(translateProxyGroup(group));
      expect(built.ok ? [] : built.issues).toEqual([]);
    }
  });

  test.each(cases)('%s: input order does not change the result', (name) => {
    const { objects, options } = load(name);
    const forward = translateIngress(objects, options);
    if (forward.errors.some((e) => e.code === 'duplicate-object')) return;
    expect(translateIngress([...objects].reverse(), options)).toEqual(forward);
  });

  it('every annotation the registry knows appears in some case', () => {
    const inputs = cases.map((c) => load(c).text).join('\n');
    const missing = allAnnotations()
      .map(({ def }) => `${def.higressOnly ? HIGRESS_PREFIX : NGINX_PREFIX}${def.name}`)
      .filter((key) => !inputs.includes(key) && !inputs.includes(key.replace(NGINX_PREFIX, HIGRESS_PREFIX)));
    expect(missing).toEqual([]);
  });
});
