// Raw TCP backends and clients for layer-4 e2e tests (TCPRoute, TLSRoute).
import * as net from 'node:net';
import * as tls from 'node:tls';

export interface TcpEcho {
  name: string;
  port: number;
  close(): Promise<void>;
}

/** Answers every chunk with `<name>:<chunk>`, so a test sees which backend answered and that bytes passed. */
export async function startTcpEcho(name: string): Promise<TcpEcho> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (chunk) => s.write(`${name}:${chunk.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends `message` over a fresh connection and resolves with the first answer (rejects on close, error or timeout). */
export function tcpExchange(port: number, message: string, opts: { host?: string; timeoutMs?: number } = {}): Promise<string> {
  return exchange(net.connect({ host: opts.host ?? '127.0.0.1', port }), 'connect', message, opts.timeoutMs);
}

/** Like {@link tcpExchange} over TLS; also returns the certificate subject CN the client saw. */
export async function tlsExchange(
  port: number,
  message: string,
  opts: { servername: string; ca: string; timeoutMs?: number },
): Promise<{ answer: string; peerCn: string }> {
  const socket = tls.connect({ host: '127.0.0.1', port, servername: opts.servername, ca: opts.ca });
  let peerCn = '';
  socket.once('secureConnect', () => {
    const cn = socket.getPeerCertificate().subject?.CN;
    peerCn = String(Array.isArray(cn) ? cn[0] : cn);
  });
  const answer = await exchange(socket, 'secureConnect', message, opts.timeoutMs);
  return { answer, peerCn };
}

function exchange(socket: net.Socket, ready: 'connect' | 'secureConnect', message: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error, data?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(data ?? '');
    };
    socket.once(ready, () => socket.write(message));
    socket.once('data', (d) => finish(undefined, d.toString()));
    socket.once('error', (err) => finish(err));
    socket.once('close', () => finish(new Error('connection closed without an answer')));
  });
}
