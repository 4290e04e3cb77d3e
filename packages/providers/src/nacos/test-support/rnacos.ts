// The real r-nacos server tests run against (see ../rnacos-server.ts), plus read-your-writes helpers.
import type { NacosHttpClient } from '../nacos-http';

export { startRnacos, rnacosBinary, RNACOS_VERSION, type RnacosServer, type RnacosOptions } from '../rnacos-server';

/**
 * r-nacos applies config writes asynchronously (raft): a listing right after a write may not
 * have it yet, and on a loaded machine a write accepted just after start-up is sometimes never
 * applied. These repeat the write (it is idempotent) every second until the group listing
 * shows it, for at most 20 s.
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
  const deadline = Date.now() + 20_000;
  let lastWrite = 0;
  for (;;) {
    if (Date.now() - lastWrite >= 1000) {
      await write();
      lastWrite = Date.now();
    }
    await new Promise((r) => setTimeout(r, 20));
    if (ok(await list())) return;
    if (Date.now() > deadline) throw new Error(`r-nacos did not show ${what} within 20 s`);
  }
}
