// `tidegate status`: which objects it shows and when it exits 1 (the command itself runs against real control planes in e2e/cli.test.ts).
import { statusVerdict, type StatusReport } from './status';

const condition = (type: string, status: string, reason = type) => ({ type, status, reason, message: `${type} is ${status}` });

const REPORT: StatusReport = {
  statuses: [
    { kind: 'Gateway', namespace: 'default', name: 'gw', status: { conditions: [condition('Accepted', 'True')], listeners: [{ name: 'http', conditions: [condition('Programmed', 'True')] }] } },
    { kind: 'Gateway', namespace: 'default', name: 'half', status: { conditions: [condition('Accepted', 'True')], listeners: [{ name: 'https', conditions: [condition('Programmed', 'False', 'Invalid')] }] } },
    { kind: 'HTTPRoute', namespace: 'default', name: 'web', status: { parents: [{ parentRef: { name: 'gw' }, conditions: [condition('Accepted', 'True'), condition('ResolvedRefs', 'True')] }] } },
    { kind: 'HTTPRoute', namespace: 'default', name: 'refs', status: { parents: [{ parentRef: { name: 'gw' }, conditions: [condition('ResolvedRefs', 'False', 'BackendNotFound')] }] } },
    // Conditions other than the three may be False without the object failing.
    { kind: 'Ingress', namespace: 'default', name: 'shop', status: { conditions: [condition('Accepted', 'True'), condition('Degraded', 'False')] } },
  ],
  errors: [],
};

it('exits 0 for objects whose Accepted, Programmed and ResolvedRefs hold, wherever they sit', () => {
  expect(statusVerdict(REPORT, 'Gateway/default/gw').exitCode).toBe(0);
  expect(statusVerdict(REPORT, 'HTTPRoute/web').exitCode).toBe(0);
  expect(statusVerdict(REPORT, 'ingress/default/shop').exitCode).toBe(0);
});

it('exits 1 for a False Accepted, Programmed or ResolvedRefs, even with no error reported', () => {
  const half = statusVerdict(REPORT, 'Gateway/default/half');
  expect(half.exitCode).toBe(1);
  expect(half.failing).toEqual([expect.objectContaining({ where: 'listener https: ', type: 'Programmed', reason: 'Invalid' })]);
  expect(statusVerdict(REPORT, 'HTTPRoute/default/refs').failing).toEqual([expect.objectContaining({ where: 'parent gw: ', type: 'ResolvedRefs' })]);
  expect(statusVerdict(REPORT).exitCode).toBe(1);
});

it('exits 1 for an object that is not there, and for one with an error', () => {
  expect(statusVerdict(REPORT, 'HTTPRoute/default/nope')).toMatchObject({ missing: true, exitCode: 1 });
  const withError: StatusReport = { ...REPORT, errors: [{ object: { kind: 'HTTPRoute', namespace: 'default', name: 'web' }, path: 'spec', code: 'x', message: 'bad' }] };
  expect(statusVerdict(withError, 'HTTPRoute/default/web').exitCode).toBe(1);
  expect(statusVerdict(withError, 'Gateway/default/gw').exitCode).toBe(0);
});
