// `tidegate migrate-report`: files and directories in, the report on stdout, exit code 0 only when all is supported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { migrateReportCommand, yamlFiles } from './migrate-report';

const ingress = (name: string, annotations: string, cls = 'nginx') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: default
  annotations:
${annotations}
spec:
  ingressClassName: ${cls}
  rules: [{host: ${name}.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-migrate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...paths: string[]): Promise<{ out: string; code: number | undefined }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await migrateReportCommand().parseAsync(['node', 'migrate-report', ...paths]);
    return { out, code: process.exitCode as number | undefined };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

it('reads directories recursively and exits 0 when everything is supported', async () => {
  fs.mkdirSync(path.join(dir, 'apps', 'shop'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'apps', 'shop', 'ingress.yaml'), ingress('shop', '    nginx.ingress.kubernetes.io/enable-cors: "true"'));
  fs.writeFileSync(path.join(dir, 'apps', 'notes.txt'), 'not yaml: [');
  fs.writeFileSync(path.join(dir, '.hidden.yaml'), 'not: [valid');
  expect(yamlFiles([dir]).map((f) => path.relative(dir, f))).toEqual([path.join('apps', 'shop', 'ingress.yaml')]);
  const { out, code } = await run(dir);
  expect(out).toContain('Ingress default/shop\n  supported        nginx.ingress.kubernetes.io/enable-cors="true"');
  expect(out).toContain('1 Ingress, 1 annotation: 1 supported, 0 partly supported, 0 unsupported, 0 invalid');
  expect(code).toBe(0);
});

it('exits 1 and gives reasons for unsupported annotations, across several files', async () => {
  fs.writeFileSync(path.join(dir, 'a.yaml'), ingress('a', '    nginx.ingress.kubernetes.io/server-snippet: "listen 81;"'));
  fs.writeFileSync(path.join(dir, 'b.yml'), ingress('b', '    nginx.ingress.kubernetes.io/limit-connections: "10"'));
  const { out, code } = await run(path.join(dir, 'a.yaml'), path.join(dir, 'b.yml'));
  expect(out).toMatch(/unsupported +nginx.ingress.kubernetes.io\/server-snippet="listen 81;": raw nginx configuration cannot be translated/);
  expect(out).toMatch(/partly supported +nginx.ingress.kubernetes.io\/limit-connections="10": .*listener-wide, not per client IP/);
  expect(out).toContain('2 Ingresses, 2 annotations: 0 supported, 1 partly supported, 1 unsupported, 0 invalid');
  expect(code).toBe(1);
});

it('reports a file that does not parse and exits 1', async () => {
  fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: Ingress\nmetadata: {name: x\n');
  const { out, code } = await run(path.join(dir, 'broken.yaml'));
  expect(out).toMatch(/^cannot read .*broken.yaml document 0: /m);
  expect(code).toBe(1);
});

/** What `kubectl get ingress -A -o yaml` writes: one `kind: List` document whose items are the Ingresses. */
const kubectlList = (...items: string[]) => stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: items.map((i) => parse(i)) });

it('reads a `kind: List` file as kubectl writes it, and a typed IngressList whose items leave out their kind', async () => {
  fs.writeFileSync(path.join(dir, 'all.yaml'), kubectlList(ingress('a', '    nginx.ingress.kubernetes.io/enable-cors: "true"'), ingress('b', '    nginx.ingress.kubernetes.io/ssl-redirect: "false"')));
  const { apiVersion: _v, kind: _k, ...bare } = parse(ingress('c', '    nginx.ingress.kubernetes.io/enable-cors: "true"')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'typed.yaml'), stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressList', items: [bare] }));
  const { out, code } = await run(dir);
  expect(out).toContain('Ingress default/a\n');
  expect(out).toContain('Ingress default/b\n');
  expect(out).toContain('Ingress default/c\n');
  expect(out).toContain('3 Ingresses, 3 annotations: 3 supported');
  expect(code).toBe(0);
});

it('never exits 0 when it read no Ingress: an empty file, an empty directory, a file of other kinds', async () => {
  fs.writeFileSync(path.join(dir, 'empty.yaml'), '');
  fs.mkdirSync(path.join(dir, 'none'));
  fs.writeFileSync(path.join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n');
  for (const p of [path.join(dir, 'empty.yaml'), path.join(dir, 'none'), path.join(dir, 'svc.yaml')]) {
    const { out, code } = await run(p);
    expect({ p, code }).toEqual({ p, code: 1 });
    expect(out).toContain('no Ingress to report in the files given');
  }
});

it('--output json prints the whole report, and --ingress-class counts the Ingresses of other classes it leaves out', async () => {
  fs.writeFileSync(path.join(dir, 'a.yaml'), ingress('a', '    nginx.ingress.kubernetes.io/enable-cors: "true"'));
  fs.writeFileSync(path.join(dir, 'b.yaml'), ingress('b', '    nginx.ingress.kubernetes.io/enable-cors: "true"', 'traefik'));
  const all = await run('--output', 'json', dir);
  const report = JSON.parse(all.out) as { counts: { ingresses: number; supported: number }; classes: Record<string, number>; otherClasses: Record<string, number>; ingresses: Array<{ name: string }> };
  expect(report.counts).toMatchObject({ ingresses: 2, supported: 2 });
  expect(report.classes).toEqual({ nginx: 1, traefik: 1 });
  expect(report.ingresses.map((i) => i.name)).toEqual(['a', 'b']);
  expect(all.code).toBe(0);

  const nginxOnly = await run('--ingress-class', 'nginx', dir);
  expect(nginxOnly.out).not.toContain('Ingress default/b');
  expect(nginxOnly.out).toContain('by class: nginx 1\n1 Ingress of another class not reported: traefik 1\n1 Ingress, 1 annotation');
  expect(nginxOnly.code).toBe(0);
  const json = JSON.parse((await run('-o', 'json', '--ingress-class', 'nginx', dir)).out) as typeof report;
  expect(json.otherClasses).toEqual({ traefik: 1 });
});
