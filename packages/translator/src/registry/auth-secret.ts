// Nacos credentials from the Secret an McpBridge registry names in `authSecretName`.
import type { NacosCredentials } from './mcp-bridges';

/** Looks up a Secret's `stringData`/`data`; `invalid` when it exists but failed its schema. */
export type SecretReader = (namespace: string, name: string) => { stringData?: Record<string, string>; data?: Record<string, string> } | 'invalid' | undefined;

/** Keys Higress reads from the Secret (username/password for Nacos login; access key/secret key for signing). */
const KEYS: Record<keyof NacosCredentials, string> = {
  username: 'nacosUsername',
  password: 'nacosPassword',
  accessKey: 'nacosAccessKey',
  secretKey: 'nacosSecretKey',
};

export type AuthSecretResult = { ok: true; credentials: NacosCredentials } | { ok: false; message: string };

/** `stringData` wins over `data` (base64), as the API server merges them. A username needs a password. */
export function readAuthSecret(read: SecretReader, namespace: string, name: string): AuthSecretResult {
  const secret = read(namespace, name);
  if (secret === undefined) return { ok: false, message: `Secret ${namespace}/${name} not found` };
  if (secret === 'invalid') return { ok: false, message: `Secret ${namespace}/${name} is invalid` };
  const credentials: NacosCredentials = {};
  for (const [field, key] of Object.entries(KEYS) as Array<[keyof NacosCredentials, string]>) {
    const plain = secret.stringData?.[key];
    const encoded = secret.data?.[key];
    const value = plain ?? (encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : undefined);
    if (value !== undefined && value !== '') credentials[field] = value;
  }
  if (Object.keys(credentials).length === 0) {
    return { ok: false, message: `Secret ${namespace}/${name} has none of ${Object.values(KEYS).join(', ')}` };
  }
  if (credentials.username !== undefined && credentials.password === undefined) {
    return { ok: false, message: `Secret ${namespace}/${name} has nacosUsername but no nacosPassword` };
  }
  return { ok: true, credentials };
}
