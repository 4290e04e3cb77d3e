// The parse workers: files parsed off the main thread, limits applied there, stopped at once when asked.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { makeTempDir } from '../test-support/temp-dir';
import { ParserPool } from './parser-pool';

jest.setTimeout(60_000);

const gateway = (name: string) => `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\nspec: {}\n`;
/** A valid single-document YAML file of about `nodes` scalar nodes. */
const manyNodes = (nodes: number) => `${gateway('big')}data:\n${Array.from({ length: nodes / 2 }, (_, i) => `  k${i}: v\n`).join('')}`;

describe('ParserPool', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let parser: ParserPool;
  beforeEach(async () => {
    dir = await makeTempDir();
    parser = new ParserPool();
  });
  afterEach(async () => {
    await parser.close();
    await dir.remove();
  });
  const put = async (name: string, text: string) => {
    await writeFile(join(dir.path, name), text);
    return join(dir.path, name);
  };
  const limits = { maxBytes: 1024 * 1024 * 16, maxNodes: 2_000_000 };

  it('parses a file on the worker and answers `unchanged` for the content it already has', async () => {
    const path = await put('g.yaml', gateway('g'));
    const reply = await parser.parse({ path, file: 'g.yaml', ...limits });
    expect(reply).toMatchObject({ outcome: 'parsed', endsWithNewline: true });
    if (reply.outcome !== 'parsed') throw new Error('not parsed');
    expect(reply.parsed.objects.map((o) => [o.object.metadata.name, o.source])).toEqual([['g', { file: 'g.yaml', document: 0 }]]);
    expect(await parser.parse({ path, file: 'g.yaml', knownHash: reply.hash, ...limits })).toMatchObject({ outcome: 'unchanged', hash: reply.hash });
    expect(await parser.parse({ path: join(dir.path, 'gone.yaml'), file: 'gone.yaml', ...limits })).toMatchObject({ outcome: 'missing' });
  });

  it('refuses a file over the byte limit and a file over the node limit', async () => {
    const big = await put('big.yaml', manyNodes(2000));
    expect(await parser.parse({ path: big, file: 'big.yaml', maxBytes: 1000, maxNodes: 1_000_000 })).toMatchObject({ outcome: 'too-large', size: 1001 });
    const reply = await parser.parse({ path: big, file: 'big.yaml', maxBytes: 1_000_000, maxNodes: 1000 });
    expect(reply).toMatchObject({ outcome: 'parsed', parsed: { objects: [], syntaxErrors: [{ code: 'too-many-nodes', source: { file: 'big.yaml' } }] } });
  });

  it('keeps the event loop free while a large file parses, and stops at once mid-parse', async () => {
    const path = await put('large.yaml', manyNodes(600_000)); // several seconds of parsing on this machine
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const parsing = parser.parse({ path, file: 'large.yaml', ...limits });
    await new Promise((r) => setTimeout(r, 1500));
    delay.disable();
    expect(delay.max / 1e6).toBeLessThan(200); // ms; parsing on the main thread blocks it for seconds
    const t0 = Date.now();
    await parser.close();
    expect(await parsing).toMatchObject({ outcome: 'read-error', message: 'file provider stopped' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
