// Runs the real oidc-provider (an ESM package, so in its own Node process) on loopback, serving the signing keys given in TIDEGATE_OIDC_JWKS.
import Provider from 'oidc-provider';

const port = Number(process.env.TIDEGATE_OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  jwks: JSON.parse(process.env.TIDEGATE_OIDC_JWKS ?? '{}'),
  clients: [{ client_id: 'tidegate-e2e', client_secret: 'e2e-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
const server = provider.listen(port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ issuer, jwksUri: `${issuer}/jwks` })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
