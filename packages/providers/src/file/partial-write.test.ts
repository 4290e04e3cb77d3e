// Telling a half-written file from one whose objects were removed on purpose.
import { parseConfigFile } from './parse-file';
import { judgePartialWrite } from './partial-write';

const doc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;
const objectsOf = (text: string) => parseConfigFile('s.yaml', text).objects;

describe('judgePartialWrite', () => {
  const whole = objectsOf(`${doc('a')}---\n${doc('b')}`);
  const names = (j: ReturnType<typeof judgePartialWrite>) => j.held.map((o) => o.object.metadata.name);

  it('holds lost objects of a file cut mid-line (no final newline), with an error, until it changes', () => {
    const cut = `${doc('a')}---\napiVersion: v1\nkind: Serv`; // still parses: the second document lost its name
    const j = judgePartialWrite('s.yaml', whole, objectsOf(cut), { endsWithNewline: false, mtimeMs: 0, now: 60_000 });
    expect(names(j)).toEqual(['b']);
    expect(j.recheckAt).toBeUndefined();
    expect(j.error).toMatchObject({ source: { file: 's.yaml' }, code: 'partial-file' });
    expect(j.error?.message).toMatch(/^s\.yaml: does not end with a newline and lacks Service default\/b of its last version: .*atomic rename/);
  });

  it('holds an emptied file (a truncating open before the write)', () => {
    expect(names(judgePartialWrite('s.yaml', whole, objectsOf(''), { endsWithNewline: false, mtimeMs: 0, now: 60_000 }))).toEqual(['a', 'b']);
  });

  it('holds lost objects of a file cut at a line end while it is fresh, and lets them go once it has settled', () => {
    const removed = objectsOf(doc('a'));
    const fresh = judgePartialWrite('s.yaml', whole, removed, { endsWithNewline: true, mtimeMs: 10_000, now: 10_200, settleMs: 1000 });
    expect(names(fresh)).toEqual(['b']);
    expect(fresh.recheckAt).toBe(11_000);
    expect(fresh.error).toBeUndefined(); // settles by itself: nothing to show
    expect(judgePartialWrite('s.yaml', whole, removed, { endsWithNewline: true, mtimeMs: 10_000, now: 11_000, settleMs: 1000 }).held).toEqual([]);
  });

  it('takes a file that lost nothing as complete however it ends', () => {
    const grown = objectsOf(`${doc('a')}---\n${doc('b')}---\n${doc('c')}`.trimEnd());
    expect(judgePartialWrite('s.yaml', whole, grown, { endsWithNewline: false, mtimeMs: 0, now: 0 })).toEqual({ held: [] });
    expect(judgePartialWrite('s.yaml', undefined, [], { endsWithNewline: false, mtimeMs: 0, now: 0 })).toEqual({ held: [] });
  });
});
