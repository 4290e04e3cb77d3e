// The Nacos 2.x gRPC envelope: a Payload whose metadata names the request type and whose body carries JSON.
import * as protobuf from 'protobufjs';

/**
 * Nacos 2.x wire format (written from the protocol description, field numbers as Nacos
 * defines them): `Metadata { string type = 3; map<string,string> headers = 7; string clientIp = 8; }`,
 * `Payload { Metadata metadata = 2; Any body = 3; }` where `Any.value` is the request or
 * response as JSON. `Any` is declared locally with the same wire layout as google.protobuf.Any.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    NacosMetadata: {
      fields: {
        type: { type: 'string', id: 3 },
        headers: { keyType: 'string', type: 'string', id: 7 } as protobuf.IField,
        clientIp: { type: 'string', id: 8 },
      },
    },
    NacosAny: {
      fields: {
        typeUrl: { type: 'string', id: 1 },
        value: { type: 'bytes', id: 2 },
      },
    },
    NacosPayload: {
      fields: {
        metadata: { type: 'NacosMetadata', id: 2 },
        body: { type: 'NacosAny', id: 3 },
      },
    },
  },
});
const PayloadType = root.lookupType('NacosPayload');

/** A decoded payload: the type name, headers and the JSON body. */
export interface NacosMessage {
  type: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function encodePayload(msg: NacosMessage): Buffer {
  const payload = {
    metadata: { type: msg.type, headers: msg.headers, clientIp: '' },
    body: { typeUrl: '', value: Buffer.from(JSON.stringify(msg.body), 'utf8') },
  };
  return Buffer.from(PayloadType.encode(PayloadType.fromObject(payload)).finish());
}

export function decodePayload(bytes: Buffer): NacosMessage {
  const decoded = PayloadType.decode(bytes) as unknown as {
    metadata?: { type?: string; headers?: Record<string, string> };
    body?: { value?: Uint8Array };
  };
  const text = decoded.body?.value ? Buffer.from(decoded.body.value).toString('utf8') : '';
  let body: Record<string, unknown> = {};
  if (text) {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { message: text };
    }
  }
  return { type: decoded.metadata?.type ?? '', headers: decoded.metadata?.headers ?? {}, body };
}
