// One Nacos 2.x gRPC connection: server check, the bi-directional stream for pushes, unary requests.
import * as grpc from '@grpc/grpc-js';
import { ProvidersError } from '../../errors';
import { decodePayload, encodePayload, type NacosMessage } from './payload';

const REQUEST_PATH = '/Request/request';
const STREAM_PATH = '/BiRequestStream/requestBiStream';
const CLIENT_VERSION = 'Nacos-Java-Client:v2.3.0';
const identity = (b: Buffer): Buffer => b;

export interface NacosConnectionOptions {
  host: string;
  port: number;
  /** Namespace id announced in the connection setup. */
  namespaceId: string;
  /** Sent as the `accessToken` header of every request when the server wants a login. */
  token?: () => Promise<string | undefined>;
  timeoutMs?: number;
  /** A request the server sends on the stream (NotifySubscriberRequest...); the connection acknowledges it. */
  onServerRequest: (msg: NacosMessage) => void;
  /** The stream ended or failed: the connection is unusable from now on. */
  onClosed: (reason: string) => void;
}

let requestCounter = 0;

/**
 * A connection as Nacos 2.x clients make it: `ServerCheckRequest` (unary) → open
 * `requestBiStream` → `ConnectionSetupRequest` on the stream → requests on the same HTTP/2
 * connection (the server knows the client by its address). Server requests on the stream are
 * answered with `<Type>Response` (resultCode 200); a `ConnectResetRequest` closes it.
 */
export class NacosConnection {
  private readonly client: grpc.Client;
  private stream?: grpc.ClientDuplexStream<Buffer, Buffer>;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: NacosConnectionOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.client = new grpc.Client(`${options.host}:${options.port}`, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
  }

  /** Connects and sets the connection up; rejects (and closes) when the server cannot be used. */
  async open(): Promise<void> {
    await this.request('ServerCheckRequest', {});
    const stream = this.client.makeBidiStreamRequest(STREAM_PATH, identity, identity);
    this.stream = stream;
    stream.on('data', (bytes: Buffer) => this.onStreamData(bytes));
    stream.on('error', (err: Error) => this.close(`stream failed: ${err.message}`));
    stream.on('end', () => this.close('server ended the stream'));
    stream.write(
      encodePayload({
        type: 'ConnectionSetupRequest',
        headers: {},
        body: {
          clientVersion: CLIENT_VERSION,
          tenant: this.options.namespaceId,
          labels: { source: 'sdk', module: 'naming', 'AppName': 'tidegate' },
          abilities: {},
          headers: {},
          requestId: nextRequestId(),
        },
      }),
    );
    // The server registers the stream asynchronously; a health check succeeds once it has.
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        await this.request('HealthCheckRequest', {});
        return;
      } catch (err) {
        if (this.closed || Date.now() > deadline) {
          this.close('setup failed');
          throw err;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** One unary request; rejects on transport errors and on a non-200 `resultCode`. */
  async request(type: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.closed) throw new ProvidersError('nacos-unreachable', 'gRPC connection is closed');
    const headers: Record<string, string> = {};
    const token = await this.options.token?.();
    if (token) headers.accessToken = token;
    const bytes = encodePayload({ type, headers, body: { headers, requestId: nextRequestId(), ...body } });
    const reply = await new Promise<NacosMessage>((resolve, reject) => {
      this.client.makeUnaryRequest(REQUEST_PATH, identity, identity, bytes, { deadline: Date.now() + this.timeoutMs }, (err, value) => {
        if (err || !value) reject(new ProvidersError('nacos-unreachable', `Nacos gRPC ${this.options.host}:${this.options.port} ${type}: ${err?.message ?? 'no reply'}`, { cause: err }));
        else resolve(decodePayload(value));
      });
    });
    const code = Number(reply.body.resultCode ?? 200);
    if (reply.type === 'ErrorResponse' || code !== 200) {
      const message = String(reply.body.message ?? reply.type);
      const errorCode = Number(reply.body.errorCode ?? 0);
      throw new ProvidersError(errorCode === 403 ? 'nacos-auth-failed' : 'nacos-http-status', `Nacos gRPC ${type} failed (${errorCode || code}): ${message}`);
    }
    return reply.body;
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.stream?.cancel();
    } catch {
      // already gone
    }
    this.client.close();
    this.options.onClosed(reason);
  }

  private onStreamData(bytes: Buffer): void {
    let msg: NacosMessage;
    try {
      msg = decodePayload(bytes);
    } catch {
      return; // not ours to understand; the server will not miss an ack for garbage
    }
    if (!msg.type.endsWith('Request')) return;
    const ack = {
      type: `${msg.type.slice(0, -'Request'.length)}Response`,
      headers: {},
      body: { resultCode: 200, errorCode: 0, requestId: msg.body.requestId ?? '' },
    };
    if (!this.closed) this.stream?.write(encodePayload(ack));
    if (msg.type === 'ConnectResetRequest') {
      this.close('server asked to reconnect');
      return;
    }
    this.options.onServerRequest(msg);
  }
}

function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return String(requestCounter);
}
