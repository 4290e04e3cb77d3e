// IR check of JWT authentication (Route.jwt): providers, their JWKS source and token locations.
import type { IrFeatureCheck } from '../feature-check';

export const jwtAuthnCheck: IrFeatureCheck = {
  name: 'jwt-authn',
  route(c, r, base) {
    const j = r.jwt;
    if (!j) return;
    const path = `${base}.jwt`;
    if (j.providers.length === 0) c.add('missing-provider', `${path}.providers`, 'at least one provider is required');
    if (j.requiredClaims?.length && j.optional) c.add('claims-with-optional', `${path}.requiredClaims`, 'required claims need a token: they cannot be combined with optional');
    j.providers.forEach((p, i) => {
      const at = `${path}.providers[${i}]`;
      if (!p.name) c.add('missing-name', `${at}.name`, 'a provider needs a name');
      if (p.jwks.kind === 'remote') {
        c.backendRef(p.jwks.backend, `${at}.jwks.backend`);
        if (!URL.canParse(p.jwks.uri)) c.add('bad-uri', `${at}.jwks.uri`, `"${p.jwks.uri}" is not a URL`);
        // Envoy: at least 1 ms.
        if (p.jwks.cacheDurationMs !== undefined && !(p.jwks.cacheDurationMs >= 1)) c.add('bad-duration', `${at}.jwks.cacheDurationMs`, 'must be at least 1 ms');
      } else {
        const problem = jwksProblem(p.jwks.json);
        if (problem) c.add('bad-jwks', `${at}.jwks.json`, problem);
      }
    });
  },
};

/** Why `json` is not a JWKS Envoy can use (a JSON object with a non-empty `keys` array of objects with `kty`), or undefined. */
export function jwksProblem(json: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const keys = typeof v === 'object' && v !== null ? (v as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) return 'not a JWKS: a JSON object with a non-empty "keys" array is expected';
  const bad = keys.findIndex((k) => typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string');
  return bad >= 0 ? `not a JWKS: keys[${bad}] has no "kty"` : undefined;
}
