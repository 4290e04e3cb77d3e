// Throwaway certificate authorities and leaf certificates for TLS tests (openssl CLI).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Pem {
  cert: string;
  key: string;
}

export interface TestCa extends Pem {
  /** Issues a leaf certificate for these DNS names (the first is also the CN). */
  issue(names: string[]): Pem;
  /** Issues a leaf certificate with DNS and URI (e.g. SPIFFE) SANs; the CN is the first DNS name, else `leaf`. */
  issueWithSans(sans: LeafSans): Pem;
}

/** Subject alternative names of a leaf certificate. */
export interface LeafSans {
  dns?: string[];
  uri?: string[];
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates a new CA (EC P-256, valid one day) in a temp dir that is removed right away. */
export function createTestCa(commonName = 'Tidegate Test CA'): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-ca-'));
  try {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-days', '1', '-subj', `/CN=${commonName}`, '-out', 'ca.crt'], dir);
    const ca = { cert: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'ca.key'), 'utf8') };
    return { ...ca, issue: (names) => issueLeaf(ca, { dns: names }), issueWithSans: (sans) => issueLeaf(ca, sans) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function issueLeaf(ca: Pem, sans: LeafSans): Pem {
  const names = [...(sans.dns ?? []).map((n) => `DNS:${n}`), ...(sans.uri ?? []).map((u) => `URI:${u}`)];
  const cn = sans.dns?.[0] ?? 'leaf';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-leaf-'));
  try {
    fs.writeFileSync(path.join(dir, 'ca.crt'), ca.cert);
    fs.writeFileSync(path.join(dir, 'ca.key'), ca.key);
    fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=${names.join(',')}\n`);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key'], dir);
    openssl(['req', '-new', '-key', 'leaf.key', '-subj', `/CN=${cn}`, '-out', 'leaf.csr'], dir);
    openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'leaf.crt'], dir);
    return { cert: fs.readFileSync(path.join(dir, 'leaf.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'leaf.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
