import { RestartBackoff } from './backoff';

describe('RestartBackoff', () => {
  it('doubles from 250 ms up to 10 s while runs stay short, and resets after a 30 s run', () => {
    const b = new RestartBackoff();
    const delays = Array.from({ length: 8 }, () => b.next(1000));
    expect(delays.map((d) => d.delayMs)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(delays.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(b.next(29_999)).toEqual({ delayMs: 10_000, attempt: 9 });
    expect(b.next(30_000)).toEqual({ delayMs: 250, attempt: 1 });
    expect(b.next(10)).toEqual({ delayMs: 500, attempt: 2 });
  });
});
