// Unit tests for Gateway API rule precedence.
import type { RouteMatch } from '@tidegate/ir';
import { comparePrecedence, precedenceKey } from './route-precedence';

const route = (name: string, creationTimestamp?: string) => ({ namespace: 'default', name, ...(creationTimestamp ? { creationTimestamp } : {}) });
const key = (m: RouteMatch, r = route('r'), rule = 0, match = 0) => precedenceKey(m, r, rule, match);

describe('comparePrecedence', () => {
  it('orders by each criterion in turn', () => {
    const ordered = [
      key({ path: { type: 'exact', value: '/a' } }),
      key({ path: { type: 'prefix', value: '/longer' } }),
      key({ path: { type: 'prefix', value: '/a' }, method: 'GET' }),
      key({ path: { type: 'prefix', value: '/a' }, headers: [{ name: 'x', type: 'exact', value: '1' }] }),
      key({ path: { type: 'prefix', value: '/a' }, queryParams: [{ name: 'q', type: 'exact', value: '1' }] }),
      key({ path: { type: 'prefix', value: '/a' } }, route('young', '2024-01-01T00:00:00Z')),
      key({ path: { type: 'prefix', value: '/a' } }, route('a-no-time')),
      key({ path: { type: 'prefix', value: '/a' } }, route('b-no-time')),
      key({ path: { type: 'prefix', value: '/a' } }, route('b-no-time'), 1),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(comparePrecedence)).toEqual(ordered);
  });
});
