import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeResource, decodeToObject } from '@tidegate/envoy-api';
import { TIDEGATE_RUNTIME, buildBootstrap, type BootstrapOptions } from './bootstrap';
import { validateBootstrap } from './validate';
import { testEnvoyBinary } from './test-support/envoy-bin';

const BOOTSTRAP = 'type.googleapis.com/envoy.config.bootstrap.v3.Bootstrap';

const base: BootstrapOptions = {
  nodeId: 'node-1',
  cluster: 'default/gw',
  xds: { host: '127.0.0.1', port: 18000 },
  protocol: 'sotw',
  adminPort: 0,
};

/** The bootstrap as protobufjs reads it: a static layer (plain JSON for Envoy's YAML) as a Struct. */
function encodable(b: Record<string, any>): Record<string, any> {
  const struct = (o: Record<string, number>) => ({ fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { numberValue: v }])) });
  const layers = b.layered_runtime.layers.map((l: any) => (l.static_layer ? { ...l, static_layer: struct(l.static_layer) } : l));
  return { ...b, layered_runtime: { layers } };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('buildBootstrap', () => {
  it('produces a Bootstrap the strict encoder accepts, for both ADS flavours', () => {
    for (const protocol of ['sotw', 'delta'] as const) {
      const r = encodeResource(BOOTSTRAP, 'bootstrap', encodable(buildBootstrap({ ...base, protocol })));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const back = decodeToObject(BOOTSTRAP, r.value.value) as any;
      expect(back.dynamic_resources.ads_config).toMatchObject({
        api_type: protocol === 'delta' ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds_cluster' } }],
      });
      expect(back.dynamic_resources.lds_config).toMatchObject({ ads: {}, resource_api_version: 'V3' });
      expect(back.dynamic_resources.cds_config).toMatchObject({ ads: {}, resource_api_version: 'V3' });
      expect(back.node).toEqual({ id: 'node-1', cluster: 'default/gw' });
    }
  });

  it('makes the xDS cluster STATIC for an IP and STRICT_DNS for a name, HTTP/2 with keepalive either way', () => {
    const ip = buildBootstrap(base) as any;
    const dns = buildBootstrap({ ...base, xds: { host: 'tidegate.example', port: 18000 } }) as any;
    const [ipCluster] = ip.static_resources.clusters;
    const [dnsCluster] = dns.static_resources.clusters;
    expect(ipCluster).toMatchObject({ name: 'xds_cluster', type: 'STATIC', connect_timeout: { seconds: 1 } });
    expect(dnsCluster).toMatchObject({ name: 'xds_cluster', type: 'STRICT_DNS' });
    expect(ipCluster.upstream_connection_options.tcp_keepalive.keepalive_time).toEqual({ value: 60 });
    expect(
      ipCluster.typed_extension_protocol_options['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].explicit_http_config,
    ).toHaveProperty('http2_protocol_options');
    expect(ip.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 0 });
  });

  it('encodes the mutual-TLS variant', () => {
    const b = buildBootstrap({ ...base, xds: { host: 'cp.example', port: 18443, tls: { caFile: '/ca', certFile: '/crt', keyFile: '/key' } } });
    const r = encodeResource(BOOTSTRAP, 'bootstrap', encodable(b));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const tls = (b as any).static_resources.clusters[0].transport_socket.typed_config;
    expect(tls.sni).toBe('cp.example');
    expect(tls.common_tls_context.alpn_protocols).toEqual(['h2']);
    expect(tls.common_tls_context.tls_certificates).toEqual([{ certificate_chain: { filename: '/crt' }, private_key: { filename: '/key' } }]);
    expect(tls.common_tls_context.validation_context).toEqual({
      trusted_ca: { filename: '/ca' },
      match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'cp.example' } }],
    });
  });

  it('checks an IP SAN without SNI for an IP address, and a given server name as SNI and DNS SAN', () => {
    const files = { caFile: '/ca', certFile: '/crt', keyFile: '/key' };
    const tlsOf = (b: unknown) => (b as any).static_resources.clusters[0].transport_socket.typed_config;
    const byIp = tlsOf(buildBootstrap({ ...base, xds: { host: '127.0.0.1', port: 15012, tls: files } }));
    expect(byIp.sni).toBeUndefined();
    expect(byIp.common_tls_context.validation_context.match_typed_subject_alt_names).toEqual([{ san_type: 'IP_ADDRESS', matcher: { exact: '127.0.0.1' } }]);
    const named = tlsOf(buildBootstrap({ ...base, xds: { host: '127.0.0.1', port: 15012, tls: { ...files, serverName: 'tidegate-controller.tidegate-system.svc' } } }));
    expect(named.sni).toBe('tidegate-controller.tidegate-system.svc');
    expect(named.common_tls_context.validation_context.match_typed_subject_alt_names).toEqual([
      { san_type: 'DNS', matcher: { exact: 'tidegate-controller.tidegate-system.svc' } },
    ]);
    // Without TLS files the xDS cluster stays plaintext.
    expect((buildBootstrap(base) as any).static_resources.clusters[0].transport_socket).toBeUndefined();
  });
});

describe('validateBootstrap (real envoy --mode validate)', () => {
  const envoy = testEnvoyBinary();

  it.each(['sotw', 'delta'] as const)('accepts the %s bootstrap', async (protocol) => {
    expect(await validateBootstrap(envoy, buildBootstrap({ ...base, protocol }))).toEqual({ ok: true, value: undefined });
  });

  /** Real certificate files (Envoy reads them while validating), made once. */
  let files: { caFile: string; certFile: string; keyFile: string } | undefined;
  const certFiles = (): { caFile: string; certFile: string; keyFile: string } => {
    if (files) return files;
    const [ca, crt, key] = ['ca.pem', 'crt.pem', 'key.pem'].map((f) => path.join(tmp, f)) as [string, string, string];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test',
      '-keyout', key, '-out', crt], { stdio: 'ignore' });
    fs.copyFileSync(crt, ca);
    return (files = { caFile: ca, certFile: crt, keyFile: key });
  };

  it('accepts a DNS-named control plane with mutual TLS (real certificate files)', async () => {
    const { caFile: ca, certFile: crt, keyFile: key } = certFiles();
    const b = buildBootstrap({ ...base, xds: { host: 'localhost', port: 18443, tls: { caFile: ca, certFile: crt, keyFile: key } } });
    expect(await validateBootstrap(envoy, b)).toEqual({ ok: true, value: undefined });
  });

  it('accepts an IP-addressed control plane with mutual TLS and a server name', async () => {
    const tls = certFiles();
    expect(await validateBootstrap(envoy, buildBootstrap({ ...base, xds: { host: '127.0.0.1', port: 15012, tls } }))).toEqual({ ok: true, value: undefined });
    expect(await validateBootstrap(envoy, buildBootstrap({ ...base, protocol: 'delta', xds: { host: '127.0.0.1', port: 15012, tls: { ...tls, serverName: 'cp.example' } } }))).toEqual({ ok: true, value: undefined });
  });

  it('lifts the RE2 program-size limit, so a route regex such as [a-z]{200} loads', async () => {
    const withRegexRoute = (b: Record<string, any>) => {
      const hcm = {
        '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
        stat_prefix: 'r',
        route_config: { virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { safe_regex: { regex: '/[a-z]{200}' } }, direct_response: { status: 200 } }] }] },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      };
      const listener = { name: 'l', address: { socket_address: { address: '127.0.0.1', port_value: 0 } }, filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] }] };
      return { ...b, static_resources: { ...b.static_resources, listeners: [listener] } };
    };
    const b = buildBootstrap(base) as Record<string, any>;
    expect(b.layered_runtime.layers[0].static_layer).toEqual(TIDEGATE_RUNTIME);
    expect(await validateBootstrap(envoy, withRegexRoute(b))).toEqual({ ok: true, value: undefined });
    // Envoy's own default (100) refuses it.
    const stock = { ...b, layered_runtime: { layers: [{ name: 'admin', admin_layer: {} }] } };
    const r = await validateBootstrap(envoy, withRegexRoute(stock));
    expect(!r.ok && r.issues[0]!.message).toMatch(/program size of \d+ > max program size of 100/);
  });

  it("reports Envoy's own complaint for a broken bootstrap", async () => {
    const broken = buildBootstrap(base) as any;
    broken.static_resources.clusters[0].type = 'NOT_A_TYPE';
    const r = await validateBootstrap(envoy, broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.code).toBe('envoy-rejected');
    expect(r.issues[0]!.message).toMatch(/NOT_A_TYPE/);
  });
});
