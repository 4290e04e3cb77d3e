// Hostile input, property-based (fast-check): golden inputs mutated and their files damaged, run through
// the real file provider, translators and Envoy layer, with real Envoy judging what comes out.
import fc from 'fast-check';
import { envoyRejection } from './support/hostile/envoy-judge';
import { filePlan, oneFile, planFiles, textDamage } from './support/hostile/files';
import { applyConfigMutations, configMutation, objectMutation, stringMutation, type ConfigMutation } from './support/hostile/mutations';
import { GATEWAY_CLASS, docs, gateway, httpListener } from './support/fixtures';
import { CaseRunner } from './support/hostile/case-runner';
import type { CaseFile, CaseOutcome, CaseSettings } from './support/hostile/pipeline';
import { Tally, describeFiles, expectNoViolations } from './support/hostile/report';
import { SEEDS } from './support/hostile/seeds';

/** Cases per property in `npm test`; `npm run test:fuzz` raises it (FUZZ_RUNS) and picks a new seed. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** Fixed in `npm test` so a failure reproduces; FUZZ_SEED=random for a fresh one (printed on failure). */
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 1208);
/** Cases for the slow properties, a fifth of the others: Envoy (~0.2 s a run) and the real FileProvider (~0.5 s to start). */
const SLOW_RUNS = Math.max(20, Math.round(RUNS / 5));
/** Load, translate and build of one case. The largest generated inputs take up to ~2 s on a busy 2-core machine. */
const CASE_BOUND_MS = 10_000;
/** A case that has not answered by then is stopped (a hang), its worker replaced. */
const HANG_MS = 3 * CASE_BOUND_MS;

jest.setTimeout(60_000 + RUNS * 1_000);

const tally = new Tally();
const runner = new CaseRunner(HANG_MS);
const settingsOf = (seed: number, scoped: boolean, loader: CaseSettings['loader'] = 'parse'): CaseSettings => ({
  ingressClass: SEEDS[seed]!.ingressClass,
  loader,
  ...(scoped ? { scopedRoutesMinHosts: 1 } : {}),
});
const seedIndex = fc.nat({ max: SEEDS.length - 1 });
const options = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns, verbose: 1 });

async function check(files: CaseFile[], settings: CaseSettings): Promise<CaseOutcome> {
  const outcome = await runner.run(files, settings);
  tally.add(outcome);
  expectNoViolations(outcome, files, CASE_BOUND_MS);
  return outcome;
}

/** Every group of the case through `envoy --mode validate`; throws with the reproducer when one is refused. */
async function expectEnvoyAccepts(outcome: CaseOutcome, files: CaseFile[]): Promise<void> {
  for (const group of outcome.groups) {
    const rejection = await envoyRejection(group.resources);
    tally.envoyValidated++;
    if (rejection) throw new Error(`Envoy rejects proxy group ${group.name}:\n${rejection}\nfiles:\n${describeFiles(files)}`);
  }
}

afterAll(async () => {
  await runner.close();
  // The number of cases run, for the log of every run (the suite's own figure, not a test result).
  process.stdout.write(`\n${tally.line(SEED)}\n`);
});

describe('hostile input', () => {
  // One test per golden input, so a failure names its seed.
  test.each(SEEDS.map((seed) => [seed.name, seed] as const))('golden input %s as it is: loads, translates and builds cleanly, and Envoy accepts it', async (_name, seed) => {
    const files = oneFile(seed.objects);
    await expectEnvoyAccepts(await check(files, { ingressClass: seed.ingressClass, loader: 'parse' }), files);
  });

  it(`${RUNS} configurations with mutated objects: no crash, bounded time, every error names object and field`, async () => {
    const mutations = fc.array(configMutation(objectMutation), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(seedIndex, mutations, fc.boolean(), async (seed, changes, scoped) => {
        const objects = applyConfigMutations(SEEDS[seed]!.objects, changes);
        await check(oneFile(objects), settingsOf(seed, scoped));
      }),
      options(RUNS),
    );
  });

  const damagedFiles = (loader: CaseSettings['loader']) => async () => {
    const damage = fc.array(textDamage, { maxLength: 2 });
    const changes = fc.array(configMutation(objectMutation), { maxLength: 2 });
    const plan = fc.tuple(seedIndex, changes).chain(([seed, mutations]) => {
      const objects = applyConfigMutations(SEEDS[seed]!.objects, mutations);
      return fc.tuple(fc.constant(seed), fc.constant(mutations), filePlan(objects.length, damage));
    });
    await fc.assert(
      fc.asyncProperty(plan, async ([seed, mutations, files]) => {
        const objects = applyConfigMutations(SEEDS[seed]!.objects, mutations);
        await check(planFiles(objects, files), settingsOf(seed, false, loader));
      }),
      options(loader === 'provider' ? SLOW_RUNS : RUNS),
    );
  };

  it(`${RUNS} damaged files (truncated, garbage, deep nesting, aliases, invalid UTF-8, duplicates across files), read by the file provider's functions: the same properties`, damagedFiles('parse'));

  it(`${SLOW_RUNS} damaged files through the real FileProvider (parse workers, limits, partial writes): the same properties`, damagedFiles('provider'));

  it(`${SLOW_RUNS} configurations with hostile strings: whatever passes our checks, Envoy accepts`, async () => {
    const mutations = fc.array(configMutation(stringMutation), { minLength: 1, maxLength: 2 }) as fc.Arbitrary<ConfigMutation[]>;
    const before = tally.envoyValidated;
    await fc.assert(
      fc.asyncProperty(seedIndex, mutations, fc.boolean(), async (seed, changes, scoped) => {
        const files = oneFile(applyConfigMutations(SEEDS[seed]!.objects, changes));
        await expectEnvoyAccepts(await check(files, settingsOf(seed, scoped)), files);
      }),
      options(SLOW_RUNS),
    );
    // Not vacuous: most mutated configurations still produce something for Envoy to judge.
    expect(tally.envoyValidated - before).toBeGreaterThan(SLOW_RUNS / 2);
  });
});

describe('regressions found by this suite', () => {
  const gatewayWithAccessLog = (path: string) =>
    docs(
      GATEWAY_CLASS,
      gateway('gw', httpListener('http', 8080)),
      `
apiVersion: tidegate.io/v1alpha1
kind: ClientTrafficPolicy
metadata: {name: logs, namespace: default}
spec:
  targetRefs: [{kind: Gateway, name: gw}]
  accessLog: {path: ${path}}
`,
    );

  it.each(['/dev/stdout', '/dev/stderr'])('an access log at %s is accepted by Envoy whose stdout and stderr are pipes (as the bundled one)', async (path) => {
    const files = [{ path: 'config.yaml', content: gatewayWithAccessLog(path) }];
    const outcome = await check(files, { ingressClass: 'tidegate', loader: 'parse' });
    expect(outcome.groups).toHaveLength(1);
    await expectEnvoyAccepts(outcome, files);
  });
});

