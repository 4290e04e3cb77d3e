// IR check of gRPC-JSON transcoding (Route.grpcJsonTranscoder): a base64 descriptor set and qualified service names.
import type { IrFeatureCheck } from '../feature-check';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FULL_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export const grpcJsonTranscoderCheck: IrFeatureCheck = {
  name: 'grpc-json-transcoder',
  route(c, r, base) {
    const t = r.grpcJsonTranscoder;
    if (!t) return;
    const path = `${base}.grpcJsonTranscoder`;
    if (!(t.descriptorSet.length % 4 === 0 && BASE64.test(t.descriptorSet))) c.add('bad-descriptor-set', `${path}.descriptorSet`, 'descriptorSet must be non-empty base64');
    if (t.services.length === 0) c.add('missing-service', `${path}.services`, 'at least one service is required');
    t.services.forEach((s, i) => {
      if (!FULL_NAME.test(s)) c.add('bad-service', `${path}.services[${i}]`, `"${s}" is not a fully qualified service name`);
    });
  },
};
