// `tidegate migrate-report`: files and directories in, the report on stdout, exit code 0 only when all is supported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { migrateReportCommand, yamlFiles } from './migrate-report';

const ingress = (name: string, annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: default
  annotations:
${annotations}
spec:
  ingressClassName: nginx
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
