import { Topic } from './topic';

describe('Topic', () => {
  it('replays the latest value to a late subscriber and drops deep-equal publishes', () => {
    const topic = new Topic<{ n: number }>('t');
    topic.publish({ n: 1 });
    const seen: number[] = [];
    topic.subscribe((v) => seen.push(v.n));
    topic.publish({ n: 1 });
    topic.publish({ n: 2 });
    expect(seen).toEqual([1, 2]);
  });

  it('keeps delivering after a subscriber throws', () => {
    const topic = new Topic<number>('t');
    const seen: number[] = [];
    topic.subscribe((v) => {
      if (v === 1) throw new Error('boom');
      seen.push(v);
    });
    topic.publish(1);
    topic.publish(2);
    expect(seen).toEqual([2]);
  });

  it('coalesces a burst into its last value', async () => {
    const topic = new Topic<number>('t');
    const seen: number[] = [];
    topic.subscribe((v) => seen.push(v), { debounceMs: 20, maxWaitMs: 1000 });
    for (let i = 1; i <= 10; i++) topic.publish(i);
    await new Promise((r) => setTimeout(r, 80));
    expect(seen).toEqual([10]);
  });

  it('delivers at least every maxWaitMs under a constant stream of changes', async () => {
    const topic = new Topic<number>('t');
    const seen: number[] = [];
    topic.subscribe((v) => seen.push(v), { debounceMs: 50, maxWaitMs: 100 });
    for (let i = 1; i <= 30; i++) {
      topic.publish(i);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 120));
    expect(seen.at(-1)).toBe(30);
  });

  it('uses a custom equality when given', () => {
    const topic = new Topic<{ n: number }>('t', undefined, () => false);
    const seen: number[] = [];
    topic.subscribe((v) => seen.push(v.n));
    topic.publish({ n: 1 });
    topic.publish({ n: 1 });
    expect(seen).toEqual([1, 1]);
  });
});
