// A gRPC backend (tidegate.testing.v1.Echo) and client, for gRPC routing tests.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = path.join(__dirname, '..', '..', '..', 'protos', 'tidegate', 'testing', 'v1', 'echo.proto');

export interface GrpcEchoReply {
  message: string;
  backend: string;
  metadata: Record<string, string>;
}

type EchoClient = grpc.Client & {
  Echo(req: { message: string }, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, reply?: GrpcEchoReply) => void): void;
};

function echoService(): grpc.GrpcObject {
  const def = protoLoader.loadSync(PROTO, { keepCase: true, defaults: true });
  return grpc.loadPackageDefinition(def);
}

function echoConstructor(): grpc.ServiceClientConstructor {
  const pkg = echoService() as unknown as { tidegate: { testing: { v1: { Echo: grpc.ServiceClientConstructor } } } };
  return pkg.tidegate.testing.v1.Echo;
}

export interface GrpcEchoServer {
  name: string;
  port: number;
  close(): Promise<void>;
}

export async function startGrpcEcho(name: string, host = '127.0.0.1', port = 0): Promise<GrpcEchoServer> {
  const server = new grpc.Server();
  server.addService(echoConstructor().service, {
    Echo: (call: grpc.ServerUnaryCall<{ message: string }, GrpcEchoReply>, cb: grpc.sendUnaryData<GrpcEchoReply>) => {
      const metadata: Record<string, string> = {};
      for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
      cb(null, { message: call.request.message, backend: name, metadata });
    },
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    name,
    port: bound,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** Calls Echo once on `target` (e.g. `127.0.0.1:8080` through Envoy, or `xds:///name`). */
export function grpcEcho(target: string, message: string, metadata: Record<string, string> = {}, timeoutMs = 5000): Promise<GrpcEchoReply> {
  const Client = echoConstructor();
  const client = new Client(target, grpc.credentials.createInsecure()) as unknown as EchoClient;
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise<GrpcEchoReply>((resolve, reject) => {
    client.Echo({ message }, md, { deadline: Date.now() + timeoutMs }, (err, reply) => {
      client.close();
      if (err) reject(err);
      else resolve(reply!);
    });
  });
}
