// Golden cases: testdata/<case>.in.yaml (a ProxyGroup) and <case>.out.yaml (its EnvoyResources).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { ProxyGroup } from '@tidegate/ir';
import type { EnvoyResources } from '../resources';
import type { EnvoyTranslateOptions } from '../translate';
import { TEST_CERTIFICATE, TEST_PRIVATE_KEY } from './test-certs';

export const TESTDATA = path.join(__dirname, '..', 'testdata');
const IN = '.in.yaml';
const OUT = '.out.yaml';

/** Case names, sorted. */
export function goldenCases(): string[] {
  return fs.readdirSync(TESTDATA).filter((f) => f.endsWith(IN)).map((f) => f.slice(0, -IN.length)).sort();
}

/** Output files whose input is gone. */
export function orphanOutputs(): string[] {
  const cases = new Set(goldenCases());
  return fs.readdirSync(TESTDATA).filter((f) => f.endsWith(OUT) && !cases.has(f.slice(0, -OUT.length)));
}

export const outputPath = (name: string): string => path.join(TESTDATA, name + OUT);

type CaseFile = Partial<ProxyGroup> & { translateOptions?: EnvoyTranslateOptions };

const readCase = (name: string): CaseFile => parseYaml(fs.readFileSync(path.join(TESTDATA, name + IN), 'utf8')) as CaseFile;

/** A case's `translateOptions` (top level, beside the group), if it sets any. */
export const caseOptions = (name: string): EnvoyTranslateOptions => readCase(name).translateOptions ?? {};

/** Reads a case's ProxyGroup; omitted lists default to empty so inputs stay short. */
export function loadCase(name: string): ProxyGroup {
  const raw = readCase(name);
  return {
    name: raw.name ?? name,
    httpListeners: raw.httpListeners ?? [],
    tcpListeners: raw.tcpListeners ?? [],
    grpcApiListeners: raw.grpcApiListeners ?? [],
    backends: raw.backends ?? [],
    secrets: raw.secrets ?? [],
  };
}

/** Stable YAML for resources: insertion order (the translator's order), no anchors, no folding. */
export function renderResources(res: EnvoyResources): string {
  return stringifyYaml(res, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Inputs carry placeholder PEM text to stay readable; Envoy parses certificates, so before
 * validating every secret gets the real test certificate and key (the CA is the same cert).
 */
export function withTestCertificates(group: ProxyGroup): ProxyGroup {
  return {
    ...group,
    secrets: group.secrets.map((s) =>
      s.type === 'certificate'
        ? { ...s, certificateChain: TEST_CERTIFICATE, privateKey: TEST_PRIVATE_KEY }
        : { ...s, caCertificate: TEST_CERTIFICATE },
    ),
  };
}
