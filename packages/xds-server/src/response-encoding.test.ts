// Checks the hand-built DiscoveryResponse / DeltaDiscoveryResponse bytes against protobufjs decoding.
import { TypeUrl, envoyRoot } from '@tidegate/envoy-api';
import { encodeDeltaResponse, encodeSotwResponse } from './response-encoding';
import { cla, cluster } from './test-support/resources';

const anyOf = (r: { typeUrl: string; value: Uint8Array }) => ({ type_url: r.typeUrl, value: Buffer.from(r.value) });

describe('hand-built responses', () => {
  const a = cluster('a');
  const b = cluster('b', { connectTimeoutMs: 2500 });

  it('decode as the DiscoveryResponse protobufjs would build', () => {
    const bytes = encodeSotwResponse({ versionInfo: 'v1', typeUrl: TypeUrl.Cluster, nonce: 'n1', resources: [a, b] });
    const type = envoyRoot().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
    const decoded = type.toObject(type.decode(bytes), { defaults: false, bytes: Buffer });
    expect(decoded).toEqual({
      version_info: 'v1',
      type_url: TypeUrl.Cluster,
      nonce: 'n1',
      resources: [anyOf(a), anyOf(b)],
    });
    // Field by field the same bytes protobufjs produces for the same message.
    const reference = type.encode(type.fromObject(decoded)).finish();
    expect(Buffer.compare(Buffer.from(reference), bytes)).toBe(0);
  });

  it('encode an empty SotW response with the type and nonce only', () => {
    const bytes = encodeSotwResponse({ versionInfo: '', typeUrl: TypeUrl.Listener, nonce: 'x', resources: [] });
    const type = envoyRoot().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
    expect(type.toObject(type.decode(bytes))).toEqual({ type_url: TypeUrl.Listener, nonce: 'x' });
  });

  it('decode as the DeltaDiscoveryResponse protobufjs would build', () => {
    const e = cla('a', []);
    const bytes = encodeDeltaResponse({
      systemVersionInfo: 'sys',
      typeUrl: TypeUrl.ClusterLoadAssignment,
      nonce: 'n7',
      resources: [e],
      removedResources: ['gone', 'missing'],
    });
    const type = envoyRoot().lookupType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
    const decoded = type.toObject(type.decode(bytes), { defaults: false, bytes: Buffer });
    expect(decoded).toEqual({
      system_version_info: 'sys',
      type_url: TypeUrl.ClusterLoadAssignment,
      nonce: 'n7',
      resources: [{ name: 'a', version: e.version, resource: anyOf(e) }],
      removed_resources: ['gone', 'missing'],
    });
  });

  it('give the same bytes when the resources part is shared between streams', () => {
    const key = {};
    const plain = encodeSotwResponse({ versionInfo: 'v', typeUrl: TypeUrl.Cluster, nonce: 'n1', resources: [a, b] });
    const first = encodeSotwResponse({ versionInfo: 'v', typeUrl: TypeUrl.Cluster, nonce: 'n1', resources: [a, b] }, key);
    const second = encodeSotwResponse({ versionInfo: 'v', typeUrl: TypeUrl.Cluster, nonce: 'n2', resources: [a, b] }, key);
    expect(Buffer.compare(first, plain)).toBe(0);
    const type = envoyRoot().lookupType('envoy.service.discovery.v3.DiscoveryResponse');
    expect(type.toObject(type.decode(second), { bytes: Buffer })).toEqual({
      version_info: 'v',
      type_url: TypeUrl.Cluster,
      nonce: 'n2',
      resources: [anyOf(a), anyOf(b)],
    });
  });

  it('copy the pre-encoded Any bytes verbatim', () => {
    const bytes = encodeSotwResponse({ versionInfo: 'v', typeUrl: TypeUrl.Cluster, nonce: 'n', resources: [a] });
    expect(bytes.indexOf(Buffer.from(a.any))).toBeGreaterThan(0);
    expect(Buffer.isBuffer(bytes)).toBe(true);
  });
});
