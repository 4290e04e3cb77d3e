// Runs the shared provider contract against FileProvider on a real temp directory.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '@tidegate/common';
import { describeProviderContract, type ObjectRef } from '../test-support/provider-contract';
import { makeTempDir } from '../test-support/temp-dir';
import { FileProvider } from './file-provider';

// Name first, so file path order differs from the (kind, namespace, name) order the contract demands.
const fileFor = (r: ObjectRef): string => `${r.name}.${r.namespace ?? '_cluster'}.${r.kind}.yaml`;
const refOf = (o: KubeObject): ObjectRef => ({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

describeProviderContract('file', {
  async setup() {
    const dir = await makeTempDir();
    const put = (o: KubeObject) => writeFile(join(dir.path, fileFor(refOf(o))), stringify(o));
    return {
      createProvider: (check) => new FileProvider({ dir: dir.path, debounceMs: 20, ...(check ? { check } : {}) }),
      create: put,
      update: put,
      delete: (ref) => rm(join(dir.path, fileFor(ref))),
      cleanup: dir.remove,
    };
  },
  timeoutMs: 3000,
  quietMs: 250,
});
