// Unit tests for parsing one YAML file: documents, positions, syntax and object errors.
import { parseConfigFile } from './parse-file';

const gateway = (name: string, extra = '') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
${extra}spec: {}
`;

describe('parseConfigFile', () => {
  it('reads every document of a multi-document file, skipping empty ones', () => {
    const text = `${gateway('a')}---\n---\n# just a comment\n---\n${gateway('b')}---\n`;
    const parsed = parseConfigFile('gw.yaml', text);
    expect(parsed.syntaxErrors).toEqual([]);
    expect(parsed.objectErrors).toEqual([]);
    expect(parsed.objects.map((o) => [o.object.metadata.name, o.source, o.line])).toEqual([
      ['a', { file: 'gw.yaml', document: 0 }, 1],
      ['b', { file: 'gw.yaml', document: 3 }, 10],
    ]);
  });

  it('defaults the namespace of namespaced kinds and drops it for cluster-scoped ones', () => {
    const text = `${gateway('a')}---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: c, namespace: ignored }
---
${gateway('b', '  namespace: team-a\n')}`;
    const parsed = parseConfigFile('x.yaml', text);
    expect(parsed.objects.map((o) => o.object.metadata)).toEqual([
      { name: 'a', namespace: 'default' },
      { name: 'c' },
      { name: 'b', namespace: 'team-a' },
    ]);
  });

  it('reports a syntax error with file, line, column and the parser message, and loads the other documents', () => {
    const text = `${gateway('a')}---
apiVersion: v1
kind: Gateway
metadata:
  name: [broken
  x: 1
---
${gateway('b')}`;
    const parsed = parseConfigFile('dir/bad.yaml', text);
    expect(parsed.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b']);
    expect(parsed.syntaxErrors).toHaveLength(1);
    const [err] = parsed.syntaxErrors;
    expect(err?.source).toEqual({ file: 'dir/bad.yaml', document: 1 });
    expect(err?.message).toMatch(/^dir\/bad\.yaml:11:3: Flow sequence .*must be sufficiently indented/);
    expect(err?.message).not.toContain('\n');
    expect(err?.object).toEqual({ kind: 'Gateway' });
  });

  it('never quotes a private key in a syntax error (a mis-indented Secret, found by the hostile-input suite)', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.repeat(4);
    const text = ` apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\nstringData:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    ${body}\n    -----END PRIVATE KEY-----\n`;
    const errors = parseConfigFile('s.yaml', text).syntaxErrors;
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.message).not.toContain(body.slice(0, 30));
      expect(e.message.length).toBeLessThan(300);
    }
  });

  it('treats duplicate keys and unresolved aliases as syntax errors', () => {
    expect(parseConfigFile('d.yaml', 'a: 1\na: 2\n').syntaxErrors[0]?.message).toMatch(/^d\.yaml:2:1: Map keys must be unique/);
    expect(parseConfigFile('d.yaml', 'kind: X\nspec: *nope\n').syntaxErrors[0]?.message).toMatch(/^d\.yaml:1:1: .*alias/i);
  });

  it('finds duplicate keys in linear time (yaml\'s own check is quadratic in the keys of one mapping)', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `    k${i}: v\n`).join('');
    const t0 = Date.now();
    const parsed = parseConfigFile('big.yaml', `${gateway('big', `  labels:\n${keys.replace(/^ {4}/gm, '    ')}`)}`);
    expect(Date.now() - t0).toBeLessThan(5000); // 15 s with yaml's check on this machine
    expect(parsed.syntaxErrors).toEqual([]);
    expect(Object.keys(parsed.objects[0]?.object.metadata.labels ?? {})).toHaveLength(40_000);
    const dup = parseConfigFile('d.yaml', `a: {x: 1, y: 2, x: 3}\nb: 1\n"b": 2\nc: {1: a, "1": b}\n`);
    expect(dup.syntaxErrors.map((e) => e.message)).toEqual(['d.yaml:1:17: Map keys must be unique', 'd.yaml:3:1: Map keys must be unique']);
  });

  it('names the missing field and where the document is', () => {
    const text = `apiVersion: v1
metadata:
  namespace: ns
---
kind: Gateway
apiVersion: v1
metadata: {}
---
kind: Gateway
apiVersion: ""
metadata: [1]
`;
    const parsed = parseConfigFile('m.yaml', text);
    expect(parsed.objects).toEqual([]);
    expect(parsed.syntaxErrors).toEqual([]);
    expect(parsed.objectErrors.map((e) => [e.source.document, e.path, e.message])).toEqual([
      [0, 'kind', 'm.yaml:1:1: missing kind'],
      [0, 'metadata.name', 'm.yaml:3:3: missing metadata.name'],
      [1, 'metadata.name', 'm.yaml:7:11: missing metadata.name'],
      [2, 'apiVersion', 'm.yaml:10:13: apiVersion must be a non-empty string, got an empty string'],
      [2, 'metadata', 'm.yaml:11:11: metadata must be a mapping, got a sequence'],
    ]);
    expect(parsed.objectErrors[1]?.object).toEqual({ namespace: 'ns' });
  });

  it('rejects documents that are not mappings, naming the object when it can', () => {
    const parsed = parseConfigFile('s.yaml', `- a\n- b\n---\njust text\n---\n${gateway('ok')}`);
    expect(parsed.objects.map((o) => o.object.metadata.name)).toEqual(['ok']);
    expect(parsed.objectErrors.map((e) => [e.source.document, e.path, e.message])).toEqual([
      [0, '', 's.yaml:1:1: document is a sequence, expected a mapping with apiVersion, kind and metadata'],
      [1, '', 's.yaml:4:1: document is a string, expected a mapping with apiVersion, kind and metadata'],
    ]);
    const noName = parseConfigFile('n.yaml', 'apiVersion: v1\nkind: HTTPRoute\nmetadata: {namespace: x}\n');
    expect(noName.objectErrors[0]?.object).toEqual({ kind: 'HTTPRoute', namespace: 'x' });
  });

  it('does not throw on arbitrary partial content', () => {
    const text = `${gateway('a')}---\n${gateway('b')}`;
    for (let cut = 0; cut <= text.length; cut++) {
      expect(() => parseConfigFile('p.yaml', text.slice(0, cut))).not.toThrow();
    }
  });
});
