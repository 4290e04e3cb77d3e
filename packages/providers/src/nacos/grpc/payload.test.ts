// The Nacos 2.x envelope: field numbers on the wire and JSON bodies survive a round trip.
import * as protobuf from 'protobufjs';
import { decodePayload, encodePayload } from './payload';

describe('Nacos gRPC payload', () => {
  it('round-trips type, headers and JSON body', () => {
    const bytes = encodePayload({ type: 'SubscribeServiceRequest', headers: { accessToken: 't' }, body: { serviceName: 'orders', subscribe: true } });
    expect(decodePayload(bytes)).toEqual({
      type: 'SubscribeServiceRequest',
      headers: { accessToken: 't' },
      body: { serviceName: 'orders', subscribe: true },
    });
  });

  it('puts metadata in field 2 (type in 3, headers in 7) and the JSON in field 3 → value (2)', () => {
    const bytes = encodePayload({ type: 'T', headers: {}, body: { a: 1 } });
    const reader = protobuf.Reader.create(bytes);
    const tags: number[] = [];
    let json = '';
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      tags.push(tag >>> 3);
      const inner = protobuf.Reader.create(reader.bytes());
      if (tag >>> 3 === 3) {
        while (inner.pos < inner.len) {
          const t = inner.uint32();
          if (t >>> 3 === 2) json = Buffer.from(inner.bytes()).toString('utf8');
          else inner.skipType(t & 7);
        }
      }
    }
    expect(tags).toEqual([2, 3]);
    expect(JSON.parse(json)).toEqual({ a: 1 });
  });
});
