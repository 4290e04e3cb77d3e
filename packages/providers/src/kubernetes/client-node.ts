// Loads @kubernetes/client-node (ESM-only) from this CommonJS package.
// Node >= 20.19 require()s ES modules natively; jest compiles the package to CommonJS (jest.config.js).
import type * as ClientNode from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type { ClientNode };
export type KubeConfig = ClientNode.KubeConfig;

let loaded: typeof ClientNode | undefined;

/** The client library, loaded on first use (it is large; the file provider never needs it). */
export function clientNode(): typeof ClientNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('@kubernetes/client-node') as typeof ClientNode;
  return loaded;
}
