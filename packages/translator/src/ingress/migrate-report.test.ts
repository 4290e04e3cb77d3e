// The migration report: levels per annotation, the summary line and the exit code.
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { migrationReport } from './migrate-report';

const ingress = (name: string, annotations: Record<string, string>, cls = 'nginx'): SourcedObject => ({
  object: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop', annotations },
    spec: { ingressClassName: cls, rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  } as KubeObject,
});

describe('migrationReport', () => {
  it('exits 0 when every annotation is supported, whatever the class (Services need not be in the files)', () => {
    const r = migrationReport([
      ingress('a', { 'nginx.ingress.kubernetes.io/enable-cors': 'true', 'higress.io/timeout': '5' }),
      ingress('b', {}, 'higress'),
    ]);
    expect(r.counts).toEqual({ ingresses: 2, annotations: 2, supported: 2, partly: 0, unsupported: 0, invalid: 0, problems: 0 });
    expect(r.exitCode).toBe(0);
    expect(r.text).toContain('  supported        nginx.ingress.kubernetes.io/enable-cors="true": a CORS policy');
    expect(r.text).toContain('Ingress shop/b\n  no ingress-nginx or Higress annotations');
    expect(r.text.trimEnd().split('\n').pop()).toBe('2 Ingresses, 2 annotations: 2 supported, 0 partly supported, 0 unsupported, 0 invalid');
  });

  it('reports partly supported, unsupported and invalid annotations with reasons, and exits 1', () => {
    const r = migrationReport([
      ingress('a', {
        'nginx.ingress.kubernetes.io/limit-rps': '5',
        'nginx.ingress.kubernetes.io/configuration-snippet': 'more_set_headers "X: y";',
        'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/33',
        'nginx.ingress.kubernetes.io/no-such-annotation': '1',
      }),
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.counts).toMatchObject({ annotations: 4, supported: 0, partly: 1, unsupported: 2, invalid: 1 });
    const lines = r.text.split('\n');
    expect(lines.find((l) => l.includes('limit-rps'))).toMatch(/^ {2}partly supported +nginx.ingress.kubernetes.io\/limit-rps="5": .*answers 429 where ingress-nginx answers 503/);
    expect(lines.find((l) => l.includes('configuration-snippet'))).toMatch(/^ {2}unsupported .*raw nginx configuration cannot be translated/);
    expect(lines.find((l) => l.includes('no-such-annotation'))).toMatch(/unknown annotation/);
    expect(lines.find((l) => l.includes('whitelist-source-range'))).toMatch(/^ {2}invalid value .*"10.0.0.0\/33" is not an IP address or CIDR range/);
  });

  it('counts an Ingress that cannot move as it is (a resource backend) as a problem', () => {
    const bucket = ingress('a', {});
    (bucket.object.spec as { rules: Array<{ http: { paths: Array<{ backend: unknown }> } }> }).rules[0]!.http.paths[0]!.backend = { resource: { kind: 'Bucket', name: 'b' } };
    const r = migrationReport([bucket]);
    expect(r.exitCode).toBe(1);
    expect(r.text).toContain('not supported    spec.rules[0].http.paths[0]: resource backends (Bucket b) are not supported');
    expect(r.text).toContain('; 1 other problem');
  });

  it('counts higress.io/destination with an McpBridge resource backend as supported, even without the McpBridge in the files', () => {
    const registry = ingress('a', { 'higress.io/destination': '30% a.static\n70% orders.DEFAULT-GROUP.public.nacos:8080' }, 'higress');
    (registry.object.spec as { rules: Array<{ http: { paths: Array<{ backend: unknown }> } }> }).rules[0]!.http.paths[0]!.backend = {
      resource: { apiGroup: 'networking.higress.io', kind: 'McpBridge', name: 'default' },
    };
    const r = migrationReport([registry]);
    expect(r.counts).toMatchObject({ annotations: 1, supported: 1, problems: 0 });
    expect(r.exitCode).toBe(0);
    const bad = migrationReport([ingress('b', { 'higress.io/destination': '30% a.static\n30% b.static' })]);
    expect(bad.text).toMatch(/invalid value +higress.io\/destination=.*weights add up to 60%, not 100%/);
  });

  it('counts Ingresses per class, and with ingressClass leaves out the others but counts them (no class: (none))', () => {
    const noClass = ingress('c', {});
    delete (noClass.object.spec as { ingressClassName?: string }).ingressClassName;
    const objects = [ingress('a', {}), ingress('b', {}, 'traefik'), noClass];
    const all = migrationReport(objects);
    expect(all.classes).toEqual({ nginx: 1, traefik: 1, '(none)': 1 });
    expect(all.text).toContain('\nby class: (none) 1, nginx 1, traefik 1\n');
    const nginx = migrationReport(objects, { ingressClass: 'nginx' });
    // As the controller would: class nginx also takes the Ingress naming none.
    expect(nginx.ingresses.map((i) => i.name)).toEqual(['a', 'c']);
    expect(nginx.otherClasses).toEqual({ traefik: 1 });
    expect(nginx.text).toContain('1 Ingress of another class not reported: traefik 1\n');
    const none = migrationReport(objects, { ingressClass: 'haproxy' });
    expect(none).toMatchObject({ exitCode: 1, otherClasses: { nginx: 1, traefik: 1, '(none)': 1 }, counts: { ingresses: 0 } });
    expect(none.text).toContain('no Ingress to report in the files given');
  });
});
