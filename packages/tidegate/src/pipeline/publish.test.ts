// The publisher: a group whose Envoy config fails its checks is published without the objects that cause it, never dropped whole.
import { TypeUrl } from '@tidegate/envoy-api';
import type { ProxyGroup, Route } from '@tidegate/ir';
import { SnapshotCache } from '@tidegate/xds-server';
import { createMetrics } from '../admin/metrics';
import { SnapshotPublisher } from './publish';

const route = (name: string, path: string, backend = 'b'): Route => ({ name, match: { path: { type: 'prefix', value: path } }, action: { kind: 'forward', backends: [{ backend, weight: 1 }] } });

const group = (routes: Route[]): ProxyGroup => ({
  name: 'default/gw',
  httpListeners: [{ name: 'http', address: '127.0.0.1', port: 8080, virtualHosts: [{ name: 'a', domains: ['a.example'], routes }] }],
  tcpListeners: [],
  grpcApiListeners: [],
  backends: [{ name: 'b', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 80 }] } }],
  secrets: [],
});

/** Route names in the published route configuration. */
const published = (cache: SnapshotCache): string[] => {
  const rc = cache.get('default/gw')?.get(TypeUrl.RouteConfiguration)?.get('http');
  const text = rc ? Buffer.from(rc.value).toString('latin1') : '';
  return ['good', 'one', 'bad', 'two'].map((n) => `httproute/default/${n}/rule/0/match/0`).filter((n) => text.includes(n));
};

it('leaves out only the objects whose routes break the Envoy config, found among those that changed', () => {
  const cache = new SnapshotCache();
  const publisher = new SnapshotPublisher(cache, createMetrics());
  const good = route('httproute/default/good/rule/0/match/0', '/good');
  expect(publisher.publish([group([good])]).published).toEqual(['default/gw']);
  // Three routes change at once; one names a cluster that does not exist (which IR validation would have caught).
  const report = publisher.publish([
    group([good, route('httproute/default/one/rule/0/match/0', '/one'), route('httproute/default/bad/rule/0/match/0', '/bad', 'missing'), route('httproute/default/two/rule/0/match/0', '/two')]),
  ]);
  expect(report.failed).toEqual([]);
  expect(report.leftOut.map((l) => l.origin)).toEqual([{ ref: { kind: 'HTTPRoute', namespace: 'default', name: 'bad' }, field: 'spec.rules[0].matches[0]' }]);
  expect(report.leftOut[0]?.issues.map((i) => i.message).join()).toMatch(/missing/);
  expect(published(cache).sort()).toEqual(['httproute/default/good/rule/0/match/0', 'httproute/default/one/rule/0/match/0', 'httproute/default/two/rule/0/match/0']);
});

it('keeps a group whose translation failed outright serving its last snapshot', () => {
  const cache = new SnapshotCache();
  const publisher = new SnapshotPublisher(cache, createMetrics());
  publisher.publish([group([route('httproute/default/good/rule/0/match/0', '/good')])]);
  expect(publisher.publish([], ['default/gw']).removed).toEqual([]);
  expect(published(cache)).toEqual(['httproute/default/good/rule/0/match/0']);
  expect(publisher.publish([]).removed).toEqual(['default/gw']);
});
