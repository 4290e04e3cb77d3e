// Golden files: every testdata/<case>.in.yaml must translate to exactly <case>.out.yaml and
// pass buildResourceSet. UPDATE_GOLDEN=1 rewrites the outputs and deletes orphans.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateProxyGroup } from '@tidegate/ir';
import { buildResourceSet, translateProxyGroup } from './index';
import { TESTDATA, caseOptions, goldenCases, loadCase, orphanOutputs, outputPath, renderResources } from './test-support/golden-cases';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = goldenCases();

describe('envoy translator golden files', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(20));

  test.each(cases)('%s', (name) => {
    const group = loadCase(name);
    const valid = validateProxyGroup(group);
    expect(valid.ok ? [] : valid.issues).toEqual([]);

    const resources = translateProxyGroup(group, caseOptions(name));
    const rendered = renderResources(resources);
    if (UPDATE) fs.writeFileSync(outputPath(name), rendered);
    else expect(rendered).toBe(fs.readFileSync(outputPath(name), 'utf8'));

    const set = buildResourceSet(resources);
    expect(set.ok ? [] : set.issues).toEqual([]);
  });

  it('has no output without an input', () => {
    if (UPDATE) orphanOutputs().forEach((f) => fs.unlinkSync(path.join(TESTDATA, f)));
    expect(orphanOutputs()).toEqual([]);
  });
});
