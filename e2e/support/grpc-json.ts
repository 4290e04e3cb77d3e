// gRPC backends and calls for any service/method (JSON payloads, no proto), to test routing by gRPC path.
import * as grpc from '@grpc/grpc-js';

/** What a JSON gRPC backend answers: who served, which method, and the request metadata. */
export interface JsonGrpcReply {
  backend: string;
  path: string;
  metadata: Record<string, string>;
}

export interface JsonGrpcServer {
  name: string;
  port: number;
  /** Paths (`/pkg.Service/Method`) called so far, in order. */
  calls: string[];
  close(): Promise<void>;
}

const toJson = (v: unknown): Buffer => Buffer.from(JSON.stringify(v ?? {}));
const fromJson = (b: Buffer): unknown => (b.length ? JSON.parse(b.toString('utf8')) : {});

/**
 * A plaintext (h2c) gRPC server answering unary calls on each of `paths`
 * (e.g. `/helloworld.Greeter/SayHello`) with a {@link JsonGrpcReply}.
 */
export async function startJsonGrpc(name: string, paths: string[]): Promise<JsonGrpcServer> {
  const server = new grpc.Server();
  const calls: string[] = [];
  const definition: Record<string, grpc.MethodDefinition<unknown, JsonGrpcReply>> = {};
  const handlers: grpc.UntypedServiceImplementation = {};
  paths.forEach((path, i) => {
    const key = `m${i}`;
    definition[key] = {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: toJson,
      requestDeserialize: fromJson,
      responseSerialize: toJson,
      responseDeserialize: (b: Buffer) => fromJson(b) as JsonGrpcReply,
    };
    handlers[key] = (call: grpc.ServerUnaryCall<unknown, JsonGrpcReply>, cb: grpc.sendUnaryData<JsonGrpcReply>) => {
      calls.push(path);
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
      cb(null, { backend: name, path, metadata });
    };
  });
  server.addService(definition as grpc.ServiceDefinition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    name,
    port,
    calls,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

export interface JsonGrpcResult {
  reply: JsonGrpcReply;
  /** Response headers (initial metadata) the client saw. */
  headers: Record<string, string>;
}

/** A channel to `target` (e.g. `127.0.0.1:8080` through Envoy) with `authority` as the :authority. */
export class JsonGrpcClient {
  private readonly client: grpc.Client;

  constructor(target: string, authority?: string) {
    const options: grpc.ChannelOptions = authority ? { 'grpc.default_authority': authority } : {};
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), options);
  }

  /** One unary call; rejects with the gRPC error (its `code` is the status). */
  call(path: string, metadata: Record<string, string> = {}, timeoutMs = 5000): Promise<JsonGrpcResult> {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(metadata)) md.set(k, v);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      const call = this.client.makeUnaryRequest<unknown, JsonGrpcReply>(
        path,
        toJson,
        (b: Buffer) => fromJson(b) as JsonGrpcReply,
        {},
        md,
        { deadline: Date.now() + timeoutMs },
        (err, reply) => (err ? reject(err) : resolve({ reply: reply!, headers })),
      );
      call.on('metadata', (m: grpc.Metadata) => {
        for (const [k, v] of Object.entries(m.getMap())) headers[k] = String(v);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
