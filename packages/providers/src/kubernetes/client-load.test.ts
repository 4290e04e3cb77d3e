// Regression: @kubernetes/client-node is ESM-only; this CommonJS package must still load it under jest.
import { clientNode } from './client-node';

it('loads @kubernetes/client-node', () => {
  const k = clientNode();
  expect(typeof k.KubeConfig).toBe('function');
  expect(typeof k.Watch).toBe('function');
});
