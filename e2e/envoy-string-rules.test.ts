// The one checker for Envoy's string rules (@tidegate/ir) agrees with `envoy --mode validate` on every corpus entry.
import { addedHeaderNameProblem, headerNameProblem, headerValueProblem, literalHeaderValue, mutableHeaderNameProblem, regexProblem, stringMatchProblem } from '@tidegate/ir';
import { locateEnvoy } from '@tidegate/envoy-runner';
import { HEADER_NAMES, HEADER_VALUES, STRICTER_THAN_ENVOY, regexCorpus } from './support/envoy-string-corpus';
import { envoyVerdicts, type VerdictCase } from './support/envoy-verdicts';

jest.setTimeout(180_000);

const direct = { direct_response: { status: 200 } };

interface Entry {
  /** What the entry is, for the failure report. */
  label: string;
  case: VerdictCase;
  /** The checker's finding; undefined means it expects Envoy to accept. */
  problem: string | undefined;
}

/** Runs every entry through Envoy and lists the ones where Envoy and the checker disagree. */
async function disagreements(entries: Entry[]): Promise<string[]> {
  const binary = (await locateEnvoy({ install: false })).path;
  const verdicts = await envoyVerdicts(
    binary,
    entries.map((e) => e.case),
    entries.map((e) => e.problem === undefined),
  );
  return entries.flatMap((e, i) => {
    const v = verdicts[i];
    if (!v || v.accepted === (e.problem === undefined)) return [];
    const envoy = v.accepted ? 'Envoy accepts' : `Envoy refuses (${v.log.split('\n').filter(Boolean).pop()?.slice(0, 200)})`;
    return [`${e.label}: checker ${e.problem === undefined ? 'accepts' : `refuses (${e.problem})`}, ${envoy}`];
  });
}

const show = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s);

describe('regexes: RE2 as Envoy runs it', () => {
  const corpus = regexCorpus();

  it('has a corpus of at least 200 patterns, accepted and refused, including the ones Envoy once NACKed', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    for (const p of ['a{1001}', '\\u0041', '\\Z', '\\cA', '\\k<n>']) expect(regexProblem(p)).toBeDefined();
    for (const p of ['(?i)abc', '[a-z]{200}', '\\pL', '(?P<n>a)']) expect(regexProblem(p)).toBeUndefined();
    const refused = corpus.filter((p) => regexProblem(p) !== undefined).length;
    expect(refused).toBeGreaterThan(60);
    expect(corpus.length - refused).toBeGreaterThan(60);
  });

  it('agrees with envoy --mode validate on every pattern, in route, header, query and rewrite matchers', async () => {
    const entries: Entry[] = corpus.map((p) => ({
      label: `route regex ${show(p)}`,
      case: { routes: [{ match: { safe_regex: { regex: p } }, ...direct }] },
      problem: regexProblem(p),
    }));
    // The same engine judges every RegexMatcher: a sample in the other places Tidegate writes one.
    corpus.slice(0, 40).forEach((p, i) => {
      const where = i % 3;
      const match =
        where === 0
          ? { prefix: '/', headers: [{ name: 'x-h', string_match: { safe_regex: { regex: p } } }] }
          : where === 1
            ? { prefix: '/', query_parameters: [{ name: 'q', string_match: { safe_regex: { regex: p } } }] }
            : { prefix: '/' };
      const route = where === 2 ? { match, route: { cluster: 'none', regex_rewrite: { pattern: { regex: p }, substitution: '/' } } } : { match, ...direct };
      entries.push({ label: `${['header', 'query', 'rewrite'][where]} regex ${show(p)}`, case: { routes: [route] }, problem: regexProblem(p) });
    });
    expect(await disagreements(entries)).toEqual([]);
  });

  it('is stricter than Envoy only above RE2 memory budget for UTF-8, where Envoy compiles a smaller Latin-1 program', async () => {
    for (const p of STRICTER_THAN_ENVOY) expect(regexProblem(p)).toMatch(/pattern too large/);
    const entries = STRICTER_THAN_ENVOY.map((p) => ({ label: show(p), case: { routes: [{ match: { safe_regex: { regex: p } }, ...direct }] }, problem: undefined }));
    expect(await disagreements(entries)).toEqual([]);
  });
});

describe('header names and values', () => {
  it('agree with envoy --mode validate wherever Tidegate writes them', async () => {
    const entries: Entry[] = [
      ...HEADER_NAMES.flatMap((name): Entry[] => [
        {
          label: `added header name ${show(name)}`,
          case: { routes: [{ match: { prefix: '/' }, ...direct, request_headers_to_add: [{ header: { key: name, value: 'v' } }] }] },
          problem: addedHeaderNameProblem(name),
        },
        {
          label: `removed header name ${show(name)}`,
          case: { routes: [{ match: { prefix: '/' }, ...direct, response_headers_to_remove: [name] }] },
          problem: mutableHeaderNameProblem(name),
        },
        {
          label: `matched header name ${show(name)}`,
          case: { routes: [{ match: { prefix: '/', headers: [{ name, present_match: true }] }, ...direct }] },
          problem: headerNameProblem(name),
        },
      ]),
      ...HEADER_VALUES.flatMap((value): Entry[] => [
        {
          label: `added header value ${show(value)}`,
          case: { routes: [{ match: { prefix: '/' }, ...direct, response_headers_to_add: [{ header: { key: 'x-v', value: literalHeaderValue(value) } }] }] },
          problem: headerValueProblem(value),
        },
        ...(['exact', 'prefix'] as const).map((type) => ({
          label: `${type} header match ${show(value)}`,
          case: { routes: [{ match: { prefix: '/', headers: [{ name: 'x-v', string_match: { [type]: value } }] }, ...direct }] },
          problem: stringMatchProblem(type, value),
        })),
      ]),
    ];
    expect(entries.filter((e) => e.problem !== undefined).length).toBeGreaterThan(30);
    expect(await disagreements(entries)).toEqual([]);
  });
});
