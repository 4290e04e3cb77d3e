// Runs the shared provider contract against NacosConfigProvider on a real r-nacos (one config per object).
import { stringify } from 'yaml';
import { describeProviderContract } from '../test-support/provider-contract';
import { NacosConfigProvider, nacosDataId } from './nacos-config-provider';
import { deleteConfigAndWait, publishConfigAndWait, startRnacos, type RnacosServer } from './test-support/rnacos';

jest.setTimeout(120_000);

let nacos: RnacosServer;
let groups = 0;

beforeAll(async () => {
  nacos = await startRnacos();
});
afterAll(async () => {
  await nacos?.close();
});

describeProviderContract('nacos-config', {
  async setup() {
    // A fresh group per test keeps tests apart on one server.
    const group = `contract-${++groups}`;
    const client = nacos.client();
    const written = new Set<string>();
    return {
      createProvider: (check) => new NacosConfigProvider({ address: { host: nacos.host, port: nacos.httpPort }, group, pollIntervalMs: 50, ...(check ? { check } : {}) }),
      async create(object) {
        written.add(nacosDataId(object));
        await publishConfigAndWait(client, group, nacosDataId(object), stringify(object));
      },
      async update(object) {
        await publishConfigAndWait(client, group, nacosDataId(object), stringify(object));
      },
      async delete(ref) {
        const dataId = nacosDataId({ kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
        written.delete(dataId);
        await deleteConfigAndWait(client, group, dataId);
      },
      async cleanup() {
        for (const dataId of written) await client.deleteConfig('', group, dataId);
      },
    };
  },
  // r-nacos applies writes asynchronously and polls at 50 ms; under a loaded CI machine a
  // change can take seconds to show, so the contract waits longer than for files.
  timeoutMs: 15_000,
  quietMs: 300,
});
