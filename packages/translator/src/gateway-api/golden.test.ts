// Golden files: testdata/<case>.in.yaml (resources) → <case>.out.yaml (proxyGroups, statuses, errors).
// UPDATE_GOLDEN=1 rewrites outputs and deletes outputs whose input is gone.
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { validateProxyGroup, type ProxyGroup } from '@tidegate/ir';
import { translateGatewayApi } from './translate';
import { SYSTEM_CA_SECRET } from './backend-tls-policy';
import type { TranslateOptions, TranslationResult } from './types';

const DIR = join(__dirname, 'testdata');
const IN = '.in.yaml';
const OUT = '.out.yaml';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const BASE_OPTIONS: TranslateOptions = { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' };
/** A case may add options with a line `# options: {"sharedHost": true}` in its input (JSON). */
const OPTIONS_LINE = /^# options: (\{.*\})$/m;

function optionsOf(name: string): TranslateOptions {
  const m = OPTIONS_LINE.exec(readFileSync(join(DIR, `${name}${IN}`), 'utf8'));
  return m ? { ...BASE_OPTIONS, ...(JSON.parse(m[1]!) as Partial<TranslateOptions>) } : BASE_OPTIONS;
}

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

/** The system CA bundle comes from the Node.js version that runs the test: stripped to a marker. */
const stripVolatile = (result: TranslationResult): TranslationResult => ({
  ...result,
  proxyGroups: result.proxyGroups.map((g) => ({
    ...g,
    secrets: g.secrets.map((s) => (s.name === SYSTEM_CA_SECRET && s.type === 'ca' ? { ...s, caCertificate: '<Node.js tls.rootCertificates>' } : s)),
  })),
});

const render = (value: TranslationResult): string => stringify(stripVolatile(value), { lineWidth: 0, aliasDuplicateObjects: false });

describe('gateway-api golden files', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  test.each(cases)('%s', (name) => {
    const result = translateGatewayApi(load(name), optionsOf(name));
    const text = render(result);
    const outFile = join(DIR, `${name}${OUT}`);
    if (UPDATE) writeFileSync(outFile, text);
    else if (!existsSync(outFile)) throw new Error(`${name}${OUT} is missing; run with UPDATE_GOLDEN=1`);
    else expect(text).toEqual(readFileSync(outFile, 'utf8'));
  });

  test.each(cases)('%s: every golden ProxyGroup passes IR validation', (name) => {
    const outFile = join(DIR, `${name}${OUT}`);
    const golden = parse(readFileSync(outFile, 'utf8')) as { proxyGroups: ProxyGroup[] };
    for (const group of golden.proxyGroups) expect(validateProxyGroup(group)).toEqual({ ok: true, value: group });
    // The real bundle parses: every root certificate Node ships.
    const system = translateGatewayApi(load(name), optionsOf(name)).proxyGroups.flatMap((g) => g.secrets).find((s) => s.name === SYSTEM_CA_SECRET);
    if (system?.type === 'ca') expect(system.caCertificate.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThan(50);
  });

  test.each(cases)('%s: input order does not change the result', (name) => {
    const objects = load(name);
    const forward = translateGatewayApi(objects, optionsOf(name));
    // "First definition wins" for duplicates depends on order by design.
    if (forward.errors.some((e) => e.code === 'duplicate-object')) return;
    expect(translateGatewayApi([...objects].reverse(), optionsOf(name))).toEqual(forward);
  });
});
