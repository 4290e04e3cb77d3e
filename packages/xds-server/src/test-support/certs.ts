// Certificates for mutual-TLS xDS tests: leaves with any mix of CN, DNS, IP and URI SANs (openssl CLI).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestCa, type Pem, type TestCa } from '@tidegate/testkit';

export { createTestCa, type Pem, type TestCa };

export interface LeafSpec {
  /** Subject CN; omitted: an empty subject. */
  cn?: string;
  dns?: string[];
  ip?: string[];
  uri?: string[];
}

/** Issues a leaf (EC P-256, one day) signed by `ca`. */
export function issueCert(ca: Pem, spec: LeafSpec): Pem {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-xds-leaf-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  try {
    fs.writeFileSync(path.join(dir, 'ca.crt'), ca.cert);
    fs.writeFileSync(path.join(dir, 'ca.key'), ca.key);
    const sans = [
      ...(spec.dns ?? []).map((n) => `DNS:${n}`),
      ...(spec.ip ?? []).map((n) => `IP:${n}`),
      ...(spec.uri ?? []).map((n) => `URI:${n}`),
    ];
    fs.writeFileSync(path.join(dir, 'ext.cnf'), sans.length ? `subjectAltName=${sans.join(',')}\n` : 'basicConstraints=CA:FALSE\n');
    run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key']);
    run(['req', '-new', '-key', 'leaf.key', '-subj', spec.cn ? `/CN=${spec.cn.replace(/[/\\]/g, '\\$&')}` : '/', '-out', 'leaf.csr']);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'leaf.crt']);
    return { cert: fs.readFileSync(path.join(dir, 'leaf.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'leaf.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A server certificate good for 127.0.0.1 and `localhost`. */
export function issueServerCert(ca: Pem): Pem {
  return issueCert(ca, { cn: 'tidegate-xds', dns: ['localhost'], ip: ['127.0.0.1'] });
}
