// A real OpenID provider (oidc-provider) on loopback serving a signing key of the test's, and tokens signed with that key.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './http';

/** JWT claims (jose's JWTPayload; jose is ESM, loaded with import()). */
type JWTPayload = Record<string, unknown>;

export interface OidcProvider {
  issuer: string;
  jwksUri: string;
  /** The public JWKS the provider serves (for inline-JWKS policies). */
  publicJwks: string;
  /** A token signed with the provider's key; `claims` override the defaults (iss, exp in 5 min). */
  token(claims?: JWTPayload): Promise<string>;
  /** A token signed with a key the provider does not serve (same kid): a bad signature. */
  forgedToken(claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

const KID = 'tidegate-e2e';

export async function startOidcProvider(): Promise<OidcProvider> {
  const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
  const [good, forged] = await Promise.all([generateKeyPair('RS256', { extractable: true }), generateKeyPair('RS256', { extractable: true })]);
  const privateJwk = { ...(await exportJWK(good.privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const publicJwks = JSON.stringify({ keys: [{ ...(await exportJWK(good.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-provider-main.mjs')], {
    env: { ...process.env, TIDEGATE_OIDC_PORT: String(port), TIDEGATE_OIDC_JWKS: JSON.stringify({ keys: [privateJwk] }) },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const started = await new Promise<{ issuer: string; jwksUri: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`oidc-provider exited with ${code}`)));
    child.stdout?.once('data', (d: Buffer) => resolve(JSON.parse(String(d).split('\n')[0] as string) as { issuer: string; jwksUri: string }));
  });
  const sign = (key: typeof good.privateKey, claims: JWTPayload = {}) =>
    new SignJWT({ iss: started.issuer, exp: Math.floor(Date.now() / 1000) + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .sign(key);
  return {
    ...started,
    publicJwks,
    token: (claims) => sign(good.privateKey, claims),
    forgedToken: (claims) => sign(forged.privateKey, claims),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
