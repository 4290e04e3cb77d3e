// validateProxyGroup on routes with API-key authentication: credentials, sources and the consumer header, never showing a key.
import { routeGroup } from './test-support/route-group';
import type { ApiKeyAuth } from './types';
import { validateProxyGroup } from './validate';

const issues = (a: ApiKeyAuth) => {
  const r = validateProxyGroup(routeGroup({ apiKey: a }));
  return r.ok ? [] : r.issues.map((i) => [i.code, i.path.replace(/^.*\.apiKey/, ''), i.message]);
};

it('accepts consumers with keys read from headers or query parameters', () => {
  expect(issues({ credentials: [{ client: 'alice', key: 'k1' }], sources: [{ header: 'x-api-key' }, { query: 'apikey' }], allow: ['alice'], forwardClientHeader: 'x-mse-consumer' })).toEqual([]);
});

it('refuses no credentials or sources, empty and unsendable keys and names, a shared key, and a header Envoy will not set', () => {
  expect(issues({ credentials: [], sources: [] }).map((i) => i.slice(0, 2))).toEqual([
    ['missing-credentials', '.credentials'],
    ['missing-source', '.sources'],
  ]);
  const found = issues({
    credentials: [
      { client: 'a', key: '' },
      { client: '', key: 'secret\n' },
      { client: 'c', key: 'same-secret' },
      { client: 'd', key: 'same-secret' },
    ],
    sources: [{ header: '' }, { query: '' }],
    allow: [''],
    forwardClientHeader: ':path',
  });
  expect(found.map((i) => i.slice(0, 2))).toEqual([
    ['empty-key', '.credentials[0].key'],
    ['bad-key', '.credentials[1].key'],
    ['bad-client', '.credentials[1].client'],
    ['duplicate-key', '.credentials[3].key'],
    ['bad-source', '.sources[0].header'],
    ['bad-source', '.sources[1].query'],
    ['bad-allow', '.allow[0]'],
    ['bad-header', '.forwardClientHeader'],
  ]);
  expect(JSON.stringify(found)).not.toContain('secret');
});
