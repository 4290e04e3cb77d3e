// A raw grpc-js xDS client for tests: protobufjs-encoded requests, decoded responses, bounded waits.
import * as grpc from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';
import { decodeToObject, envoyRoot } from '@tidegate/envoy-api';

export const ADS_SOTW = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';
export const ADS_DELTA = '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources';

export interface SotwRequestInit {
  node?: { id: string; cluster?: string };
  type_url?: string;
  version_info?: string;
  resource_names?: string[];
  response_nonce?: string;
  error_detail?: { code?: number; message: string };
}

export interface DeltaRequestInit {
  node?: { id: string; cluster?: string };
  type_url?: string;
  resource_names_subscribe?: string[];
  resource_names_unsubscribe?: string[];
  initial_resource_versions?: Record<string, string>;
  response_nonce?: string;
  error_detail?: { code?: number; message: string };
}

export interface DecodedResource {
  name: string;
  typeUrl: string;
  /** The Any bytes exactly as received. */
  any: Uint8Array;
  object: Record<string, unknown>;
}

export interface SotwResponse {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: DecodedResource[];
  names: string[];
}

export interface DeltaResponse {
  system_version_info: string;
  type_url: string;
  nonce: string;
  resources: Array<DecodedResource & { version: string }>;
  names: string[];
  removed_resources: string[];
}

const type = (name: string): protobuf.Type => envoyRoot().lookupType(name);

function decodeAny(any: { type_url: string; value: Uint8Array }): DecodedResource {
  const anyType = type('google.protobuf.Any');
  const object = decodeToObject(any.type_url, any.value);
  const name = String(object.name ?? object.cluster_name ?? '');
  return { name, typeUrl: any.type_url, any: anyType.encode(any).finish(), object };
}

export function decodeSotwResponse(bytes: Buffer): SotwResponse {
  const m = type('envoy.service.discovery.v3.DiscoveryResponse').decode(bytes) as unknown as {
    version_info: string;
    type_url: string;
    nonce: string;
    resources: Array<{ type_url: string; value: Uint8Array }>;
  };
  const resources = m.resources.map(decodeAny);
  return { version_info: m.version_info, type_url: m.type_url, nonce: m.nonce, resources, names: resources.map((r) => r.name) };
}

export function decodeDeltaResponse(bytes: Buffer): DeltaResponse {
  const m = type('envoy.service.discovery.v3.DeltaDiscoveryResponse').decode(bytes) as unknown as {
    system_version_info: string;
    type_url: string;
    nonce: string;
    resources: Array<{ name: string; version: string; resource: { type_url: string; value: Uint8Array } }>;
    removed_resources: string[];
  };
  const resources = m.resources.map((r) => ({ ...decodeAny(r.resource), name: r.name, version: r.version }));
  return {
    system_version_info: m.system_version_info,
    type_url: m.type_url,
    nonce: m.nonce,
    resources,
    names: resources.map((r) => r.name),
    removed_resources: m.removed_resources,
  };
}

const encoder =
  (name: string) =>
  (value: object): Buffer => {
    const t = type(name);
    return Buffer.from(t.encode(t.fromObject(value)).finish());
  };

/** One bidi stream with a queue of responses and time-bounded waits. */
export class TestStream<Req extends object, Res> {
  private readonly queue: Res[] = [];
  private waiter?: () => void;
  /** Final status once the call ended. */
  status?: grpc.StatusObject;
  received = 0;

  constructor(readonly call: grpc.ClientDuplexStream<Req, Res>) {
    call.on('data', (res: Res) => {
      this.received++;
      this.queue.push(res);
      this.waiter?.();
    });
    call.on('status', (s: grpc.StatusObject) => {
      this.status = s;
      this.waiter?.();
    });
    call.on('error', () => {
      /* reported through 'status' */
    });
  }

  send(req: Req): this {
    this.call.write(req);
    return this;
  }

  /** The next response, failing after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<Res> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.status) throw new Error(`stream ended: ${this.status.code} ${this.status.details}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await this.wait(left);
    }
    return this.queue.shift()!;
  }

  /** Asserts nothing arrives for `ms`. */
  async none(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.queue.length > 0) throw new Error(`unexpected response: ${JSON.stringify(summary(this.queue[0]))}`);
  }

  /** Waits until the call has a final status. */
  async ended(timeoutMs = 2000): Promise<grpc.StatusObject> {
    const deadline = Date.now() + timeoutMs;
    while (!this.status) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('stream did not end');
      await this.wait(left);
    }
    return this.status;
  }

  cancel(): void {
    this.call.cancel();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.waiter = () => {
        this.waiter = undefined;
        done();
      };
    });
  }
}

function summary(res: unknown): unknown {
  if (res && typeof res === 'object' && 'names' in res) {
    const r = res as { type_url: string; names: string[] };
    return { type_url: r.type_url, names: r.names };
  }
  return res;
}

export type SotwStream = TestStream<SotwRequestInit, SotwResponse>;
export type DeltaStream = TestStream<DeltaRequestInit, DeltaResponse>;

/** A grpc-js client speaking raw xDS to a server on 127.0.0.1. */
export class TestXdsClient {
  private readonly client: grpc.Client;

  /** Plaintext by default; pass TLS credentials for the mutual-TLS port. */
  constructor(port: number, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}) {
    this.client = new grpc.Client(`127.0.0.1:${port}`, credentials, options);
  }

  sotw(path = ADS_SOTW): SotwStream {
    return new TestStream(
      this.client.makeBidiStreamRequest(path, encoder('envoy.service.discovery.v3.DiscoveryRequest'), decodeSotwResponse),
    );
  }

  delta(path = ADS_DELTA): DeltaStream {
    return new TestStream(
      this.client.makeBidiStreamRequest(path, encoder('envoy.service.discovery.v3.DeltaDiscoveryRequest'), decodeDeltaResponse),
    );
  }

  close(): void {
    this.client.close();
  }
}
