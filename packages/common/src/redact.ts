// The one place secret values are taken out of what Tidegate prints: admin responses and log lines.

/** What a secret value is replaced with. */
export const REDACTED = '[redacted]';

/** Keys whose value is secret wherever they appear: IR (`privateKey`, `htpasswd`), decoded Envoy config (`private_key`), credentials. */
const SECRET_KEY = /^(private_?key|htpasswd|passwords?|passwd|secret_value|session_ticket_keys|hmac_secret|client_secret|token_secret)$/i;

/** Headers whose values are credentials, in `{ name | key, value }` pairs (IR header changes, Envoy header_value). */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$/i;

/** Lists of `{ key, client }` API-key credentials (IR `apiKey.credentials`, Envoy api_key_auth `credentials`): each `key` is secret. */
const CREDENTIAL_LIST = 'credentials';

/** A PEM private key block (any algorithm, encrypted or not). */
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

/** Base64 of `-----BEGIN`: how a PEM sits in a Kubernetes Secret's `data` or an Envoy `inline_bytes`. */
const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g;

/** An htpasswd hash after `user:`: `{SHA}`/`{SSHA}` base64, Apache MD5, bcrypt, SHA-crypt. */
const HTPASSWD_HASH = /([^\s:]+:)(\{S?SHA\}[A-Za-z0-9+/=]+|\$(apr1|2[abxy]?|[156])\$[^\s]+)/g;

/** The password of `scheme://user:password@host` (e.g. an auth URL, a registry address). */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi;

/**
 * A copy of `value` with every secret replaced by `[redacted]`: values under secret keys,
 * the `data`/`stringData` of Kubernetes Secrets, credential header values, the `key` of each
 * entry of a `credentials` list (API keys), and wherever a
 * string holds one, PEM private keys (plain or base64), htpasswd hashes and URL passwords. Errors become
 * plain `{ type, message, stack }` objects (their text redacted). Shared references stay
 * shared; a cycle becomes `"[circular]"`.
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, new Map()) as T;
}

/** `text` with PEM private keys (plain or base64), htpasswd hashes and URL passwords replaced by `[redacted]`. */
export function redactText(text: string): string {
  // Cheap checks first: most strings hold none of these.
  if (!text.includes('PRIVATE KEY') && !text.includes('LS0tLS1CRUdJTi') && !text.includes(':')) return text;
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(BASE64_PEM, (b64) => (Buffer.from(b64, 'base64').toString('latin1').includes('PRIVATE KEY') ? REDACTED : b64))
    .replace(URL_PASSWORD, (_m, head: string) => `${head}${REDACTED}@`)
    .replace(HTPASSWD_HASH, (_m, user: string) => user + REDACTED);
}

const IN_PROGRESS = Symbol('in progress');

function walk(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done === IN_PROGRESS) return '[circular]';
  if (done !== undefined) return done;
  seen.set(value, IN_PROGRESS);
  const out = redactObject(value, seen);
  seen.set(value, out);
  return out;
}

function redactObject(value: object, seen: Map<object, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, seen));
  if (value instanceof Error) {
    const { name, message, stack, cause } = value;
    return {
      type: name,
      message: redactText(message),
      ...(stack ? { stack: redactText(stack) } : {}),
      ...(cause !== undefined ? { cause: walk(cause, seen) } : {}),
      ...(walk({ ...value }, seen) as object),
    };
  }
  // Dates, Buffers and the like print as their JSON form; redact that.
  const toJson = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJson === 'function') return walk(toJson.call(value), seen);
  const record = value as Record<string, unknown>;
  const isSecretObject = record.kind === 'Secret';
  const header = typeof record.name === 'string' ? record.name : typeof record.key === 'string' ? record.key : undefined;
  const credentialHeader = header !== undefined && CREDENTIAL_HEADER.test(header);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (SECRET_KEY.test(k) || (credentialHeader && k === 'value')) out[k] = v === undefined ? v : REDACTED;
    else if (k === CREDENTIAL_LIST && Array.isArray(v)) out[k] = v.map((c) => redactCredential(c, seen));
    else if (isSecretObject && (k === 'data' || k === 'stringData') && v && typeof v === 'object') out[k] = Object.fromEntries(Object.keys(v).map((key) => [key, REDACTED]));
    else out[k] = walk(v, seen);
  }
  return out;
}

/** One entry of a `credentials` list with its `key` (an API key) replaced. */
function redactCredential(c: unknown, seen: Map<object, unknown>): unknown {
  const out = walk(c, seen);
  if (out === null || typeof out !== 'object' || Array.isArray(out) || !('key' in out)) return out;
  return { ...out, key: REDACTED };
}
