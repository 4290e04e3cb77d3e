// Container logs as the API server asks a kubelet for them: line times, sinceTime, tailLines, timestamps, unknown containers.
import * as https from 'node:https';
import { LogBuffer, startContainerLogServer } from './container-logs';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

it('keeps lines across chunk boundaries and filters by time and count', async () => {
  const logs = new LogBuffer();
  logs.write('first\nsec');
  logs.write('ond\n');
  await new Promise((r) => setTimeout(r, 20));
  const since = new Date();
  logs.write('third\npartial');
  expect(logs.read()).toBe('first\nsecond\nthird\n');
  expect(logs.read({ since })).toBe('third\n');
  expect(logs.read({ tail: 1 })).toBe('third\n');
  expect(logs.read({ tail: 1, timestamps: true })).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z third\n$/);
});

it('serves /containerLogs/NS/POD/CONTAINER over HTTPS with sinceTime', async () => {
  const logs = new LogBuffer();
  logs.write('old line\n');
  await new Promise((r) => setTimeout(r, 20));
  const since = new Date().toISOString();
  logs.write('Echoing back request made to /mirror to client\n');
  const server = await startContainerLogServer((ns, pod, container) => (ns === 'infra' && pod === 'echo-1' && container === 'echo' ? logs : undefined));
  try {
    expect(await get(server.port, '/containerLogs/infra/echo-1/echo')).toEqual({ status: 200, body: 'old line\nEchoing back request made to /mirror to client\n' });
    expect((await get(server.port, `/containerLogs/infra/echo-1/echo?sinceTime=${encodeURIComponent(since)}`)).body).toBe('Echoing back request made to /mirror to client\n');
    expect((await get(server.port, '/containerLogs/infra/other/echo')).status).toBe(404);
  } finally {
    await server.close();
  }
});
