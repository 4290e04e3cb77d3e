// The real r-nacos server tests run against (see ../rnacos-server.ts), plus read-your-writes helpers.
import type { NacosHttpClient } from '../nacos-http';

export { startRnacos, rnacosBinary, RNACOS_VERSION, type RnacosServer, type RnacosOptions } from '../rnacos-server';

/**
 * r-nacos applies config writes asynchronously (raft): a listing right after a write may not
 * have it yet. These wait (bounded) until the group listing shows the change.
 */
export async function publishConfigAndWait(client: NacosHttpClient, group: string, dataId: string, content: string, namespaceId = ''): Promise<void> {
  await client.publishConfig(namespaceId, group, dataId, content);
  await untilListed(client, namespaceId, group, (items) => items.some((i) => i.dataId === dataId && i.content === content), `${group}/${dataId} written`);
}

export async function deleteConfigAndWait(client: NacosHttpClient, group: string, dataId: string, namespaceId = ''): Promise<void> {
  await client.deleteConfig(namespaceId, group, dataId);
  await untilListed(client, namespaceId, group, (items) => !items.some((i) => i.dataId === dataId), `${group}/${dataId} deleted`);
}

async function untilListed(
  client: NacosHttpClient,
  namespaceId: string,
  group: string,
  ok: (items: Awaited<ReturnType<NacosHttpClient['listConfigs']>>) => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok(await client.listConfigs(namespaceId, group))) {
    if (Date.now() > deadline) throw new Error(`r-nacos did not show ${what} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
