// validateProxyGroup on routes with a gRPC-JSON transcoder.
import { routeGroup } from './test-support/route-group';
import type { GrpcJsonTranscoder, ProxyGroup } from './types';
import { validateProxyGroup } from './validate';

const group = (t: GrpcJsonTranscoder): ProxyGroup =>
  routeGroup({ grpcJsonTranscoder: t }, { backend: { name: 'b', protocol: 'grpc', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 50051 }] } } });

const issues = (t: GrpcJsonTranscoder) => {
  const r = validateProxyGroup(group(t));
  return r.ok ? [] : r.issues.map((i) => [i.code, i.path.replace(/^.*\.grpcJsonTranscoder/, '')]);
};

it('accepts base64 and fully qualified service names', () => {
  expect(issues({ descriptorSet: 'CgA=', services: ['pkg.v1.Service', 'Bare'] })).toEqual([]);
});

it('refuses an empty or non-base64 descriptor set, no services, and malformed names', () => {
  expect(issues({ descriptorSet: '', services: [] })).toEqual([
    ['bad-descriptor-set', '.descriptorSet'],
    ['missing-service', '.services'],
  ]);
  expect(issues({ descriptorSet: 'not base64!', services: ['pkg..Service', '/pkg.Service'] })).toEqual([
    ['bad-descriptor-set', '.descriptorSet'],
    ['bad-service', '.services[0]'],
    ['bad-service', '.services[1]'],
  ]);
});
