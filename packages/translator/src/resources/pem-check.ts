// Parses PEM certificates and keys the way Envoy will, so a bad Secret is an error here, not a NACK there.
import { X509Certificate, createPrivateKey } from 'node:crypto';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

// Results by content: the same Secret is checked on every translation.
const cache = new Map<string, string | undefined>();
const MAX_CACHED = 10_000;

function memo(key: string, check: () => string | undefined): string | undefined {
  if (cache.has(key)) return cache.get(key);
  const problem = check();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, problem);
  return problem;
}

/** Problem with a PEM bundle of one or more certificates, or undefined when every one parses. */
export function certificateProblem(pem: string): string | undefined {
  return memo(`cert\0${pem}`, () => {
    const blocks = pem.match(CERT_BLOCK);
    if (!blocks) return 'is not a PEM certificate';
    for (const [i, block] of blocks.entries()) {
      try {
        new X509Certificate(block);
      } catch (err) {
        return `certificate ${i + 1} does not parse: ${(err as Error).message}`;
      }
    }
    return undefined;
  });
}

/** Problem with a certificate chain and its private key, including a key that does not belong to the certificate. */
export function keyPairProblem(chain: string, key: string): string | undefined {
  return memo(`pair\0${chain}\0${key}`, () => {
    const certProblem = certificateProblem(chain);
    if (certProblem) return `tls.crt ${certProblem}`;
    let privateKey;
    try {
      privateKey = createPrivateKey(key);
    } catch (err) {
      return `tls.key does not parse: ${(err as Error).message}`;
    }
    const leaf = new X509Certificate(chain.match(CERT_BLOCK)![0]);
    if (!leaf.checkPrivateKey(privateKey)) return 'tls.key does not match the certificate in tls.crt';
    return undefined;
  });
}
