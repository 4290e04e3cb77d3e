// The real r-nacos server tests run against (see ../rnacos-server.ts), plus read-your-writes helpers.
import type { NacosHttpClient } from '../nacos-http';

export { startRnacos, rnacosBinary, RNACOS_VERSION, type RnacosServer, type RnacosOptions } from '../rnacos-server';

/**
 * Read-your-writes for tests: one write, then the group listing is polled (every 20 ms, at
 * most 10 s) until it shows the change. r-nacos applies a write before it answers, so this
 * normally returns at once. The write is made once on purpose: a write that r-nacos accepts
 * but never applies is a broken server, and must fail the test rather than be papered over.
 */
export async function publishConfigAndWait(client: NacosHttpClient, group: string, dataId: string, content: string, namespaceId = ''): Promise<void> {
  await untilListed(
    () => client.publishConfig(namespaceId, group, dataId, content),
    () => client.listConfigs(namespaceId, group),
    (items) => items.some((i) => i.dataId === dataId && i.content === content),
    `${group}/${dataId} written`,
  );
}

export async function deleteConfigAndWait(client: NacosHttpClient, group: string, dataId: string, namespaceId = ''): Promise<void> {
  await untilListed(
    () => client.deleteConfig(namespaceId, group, dataId),
    () => client.listConfigs(namespaceId, group),
    (items) => !items.some((i) => i.dataId === dataId),
    `${group}/${dataId} deleted`,
  );
}

type Listing = Awaited<ReturnType<NacosHttpClient['listConfigs']>>;

async function untilListed(write: () => Promise<unknown>, list: () => Promise<Listing>, ok: (items: Listing) => boolean, what: string): Promise<void> {
  await write();
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (ok(await list())) return;
    if (Date.now() > deadline) throw new Error(`r-nacos did not show ${what} within 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
