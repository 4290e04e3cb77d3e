// Seed configurations for the hostile-input suite: every translator's golden inputs, one configuration each.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One golden input: its objects as plain data, and the Ingress class it is translated with. */
export interface Seed {
  /** `<translator>/<case>`, e.g. `gateway-api/http-basic`. */
  name: string;
  objects: Record<string, unknown>[];
  ingressClass: string;
}

const TRANSLATOR_DIR = join(__dirname, '..', '..', '..', 'packages', 'translator', 'src');
/** The translators whose golden inputs are Kubernetes-style objects (envoy's are IR). */
const TRANSLATORS = ['gateway-api', 'ingress', 'registry'];
const IN = '.in.yaml';

/** Every golden input, sorted by name; read once. */
export const SEEDS: readonly Seed[] = TRANSLATORS.flatMap((translator) => {
  const dir = join(TRANSLATOR_DIR, translator, 'testdata');
  return readdirSync(dir)
    .filter((f) => f.endsWith(IN))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      // Ingress cases may change the class they are served as (`# options: {"ingressClass": "nginx"}`).
      const options = /^# options: (\{.*\})$/m.exec(text);
      const ingressClass = (options ? (JSON.parse(options[1] as string) as { ingressClass?: string }).ingressClass : undefined) ?? 'tidegate';
      const objects = parseAllDocuments(text)
        .map((doc) => doc.toJS() as unknown)
        .filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null);
      return { name: `${translator}/${file.slice(0, -IN.length)}`, objects, ingressClass };
    });
});
