import { TypeUrl, encodeResource, decodeToObject, typed, duration } from './index';

describe('encodeResource', () => {
  it('round-trips a cluster with a typed extension', () => {
    const cluster = {
      name: 'web',
      type: 'EDS',
      connect_timeout: duration(1500),
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': typed(
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          { explicit_http_config: { http2_protocol_options: {} } },
        ),
      },
    };
    const r = encodeResource(TypeUrl.Cluster, 'web', cluster);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const back = decodeToObject(TypeUrl.Cluster, r.value.value);
    expect(back).toMatchObject({ name: 'web', type: 'EDS', connect_timeout: { seconds: 1, nanos: 500000000 } });
    expect(r.value.version).toHaveLength(16);
  });

  it('names a misspelled field instead of dropping it', () => {
    const r = encodeResource(TypeUrl.Cluster, 'web', { name: 'web', conect_timeout: duration(1) });
    expect(r).toEqual({
      ok: false,
      issues: [{ code: 'unknown-field', path: 'web:conect_timeout', message: 'Cluster has no field "conect_timeout"' }],
    });
  });

  it('follows @type into Any and reports bad enums there', () => {
    const r = encodeResource(TypeUrl.Listener, 'l', {
      name: 'l',
      filter_chains: [{ filters: [{ name: 'hcm', typed_config: typed(
        'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        { codec_type: 'HTTP9', stat_prefix: 'x' },
      ) }] }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ code: 'bad-enum', path: 'l:filter_chains[0].filters[0].typed_config.codec_type' });
  });

  it('gives equal content the same version and different content another', () => {
    const a = encodeResource(TypeUrl.Cluster, 'a', { name: 'a' });
    const b = encodeResource(TypeUrl.Cluster, 'a', { name: 'a' });
    const c = encodeResource(TypeUrl.Cluster, 'a', { name: 'a', type: 'STRICT_DNS' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('encode failed');
    expect(a.value.version).toBe(b.value.version);
    expect(a.value.version).not.toBe(c.value.version);
  });
});

describe('well-known types inside resources', () => {
  it('rejects a Struct value written with a snake_case field name (it would encode as empty)', () => {
    const r = encodeResource(TypeUrl.Cluster, 'c', { name: 'c', metadata: { filter_metadata: { x: { fields: { k: { string_value: 'v' } } } } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ code: 'unknown-field', path: 'c:metadata.filter_metadata.x.fields.k.string_value' });
  });

  it('keeps a Struct value written as protobufjs names it', () => {
    const r = encodeResource(TypeUrl.Cluster, 'c', { name: 'c', metadata: { filter_metadata: { x: { fields: { k: { stringValue: 'v' } } } } } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(decodeToObject(TypeUrl.Cluster, r.value.value)).toMatchObject({ metadata: { filter_metadata: { x: { fields: { k: { stringValue: 'v' } } } } } });
  });
});
