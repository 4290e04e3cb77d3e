// HTTPRouteFilter `grpcJsonTranscoder`: its schema, and the descriptor set it names resolved into IR, checked as Envoy would.
import { z } from 'zod';
import type { KubeObject } from '@tidegate/common';
import type { GrpcJsonTranscoder } from '@tidegate/ir';
import { checkDescriptorSet, type DescriptorSetCheck } from '../envoy/descriptor-set';
import type { ErrorSink, Resource } from '../resources';
import { ConfigMapKind } from './config-map';
import type { Context } from './context';

const SERVICE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const grpcJsonTranscoderSchema = z.strictObject({
  /** A core ConfigMap in the filter's namespace; `binaryData[key]` is a serialised FileDescriptorSet. */
  descriptorSet: z.strictObject({
    configMapRef: z.strictObject({ name: z.string().min(1), key: z.string().regex(CONFIG_MAP_KEY, 'must be a ConfigMap key') }),
  }),
  services: z
    .array(z.string().regex(SERVICE_NAME, 'must be a fully qualified service name, e.g. "package.Service"'))
    .min(1)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'services must not repeat a name' }),
  autoMapping: z.boolean().optional(),
  convertGrpcStatus: z.boolean().optional(),
  printOptions: z
    .strictObject({
      addWhitespace: z.boolean().optional(),
      alwaysPrintPrimitiveFields: z.boolean().optional(),
      alwaysPrintEnumsAsInts: z.boolean().optional(),
      preserveProtoFieldNames: z.boolean().optional(),
    })
    .optional(),
});

export type GrpcJsonTranscoderSpec = z.output<typeof grpcJsonTranscoderSchema>;

export type TranscoderResolution = { ok: true; transcoder: GrpcJsonTranscoder } | { ok: false; message: string };

const FIELD = 'spec.grpcJsonTranscoder';

/**
 * Per error sink and filter (resources are new each translation): the outcome, so a filter's
 * problems are reported once per sink — once per translation, or once per route when the
 * translation cache records each route's errors on their own (it drops repeats on replay).
 */
const resolutions = new WeakMap<ErrorSink, WeakMap<Resource<unknown>, TranscoderResolution>>();

/** Across translations: an unchanged ConfigMap object is decoded and checked once per key. */
const checked = new WeakMap<KubeObject, Map<string, CheckedSet>>();

/** A ConfigMap value: its base64 without whitespace (undefined when it is not base64), and what Envoy would make of it. */
interface CheckedSet {
  base64?: string;
  check: DescriptorSetCheck;
}

/**
 * The IR transcoder `filter` asks for. Problems (the ConfigMap or key missing, a set Envoy
 * would refuse, a service the set does not define) are reported on the HTTPRouteFilter at
 * the field at fault, the first time a rule uses it; every rule using it gets the failure.
 */
export function resolveGrpcJsonTranscoder(ctx: Context, filter: Resource<unknown>, spec: GrpcJsonTranscoderSpec): TranscoderResolution {
  let byFilter = resolutions.get(ctx.sink);
  if (!byFilter) resolutions.set(ctx.sink, (byFilter = new WeakMap()));
  let outcome = byFilter.get(filter);
  if (!outcome) {
    outcome = resolve(ctx, filter, spec);
    byFilter.set(filter, outcome);
  }
  return outcome;
}

function resolve(ctx: Context, filter: Resource<unknown>, spec: GrpcJsonTranscoderSpec): TranscoderResolution {
  const fail = (path: string, code: string, message: string): TranscoderResolution => {
    ctx.sink.add(filter, `${FIELD}.${path}`, code, message);
    return { ok: false, message: `grpcJsonTranscoder: ${message}` };
  };
  const { name, key } = spec.descriptorSet.configMapRef;
  const where = `ConfigMap ${filter.namespace}/${name}`;
  const cm = ctx.index.get(ConfigMapKind, filter.namespace, name);
  if (!cm) {
    const state = ctx.index.lookup(ConfigMapKind, filter.namespace, name);
    return fail('descriptorSet.configMapRef.name', 'configmap-not-found', `${where} ${state === 'invalid' ? 'is invalid' : 'not found'}`);
  }
  const binary = cm.body.binaryData?.[key];
  const text = cm.body.data?.[key];
  if (binary === undefined && text === undefined) return fail('descriptorSet.configMapRef.key', 'missing-key', `${where} has no key "${key}" (in binaryData or data)`);
  const { base64, check } = checkedDescriptorSet(cm.object, key, binary, text);
  if (base64 === undefined) return fail('descriptorSet', 'invalid-descriptor-set', `${where} binaryData "${key}" is not base64`);
  if (!check.ok) {
    // A set that happens to be valid UTF-8 lands in data (kubectl does that); base64 text there is a mistake.
    const compact = (text ?? '').replace(/\s+/g, '');
    const hint = binary === undefined && compact && BASE64.test(compact) ? ' (this looks like base64: put it in binaryData, not data)' : '';
    return fail('descriptorSet', 'invalid-descriptor-set', `${where} ${binary === undefined ? 'data' : 'binaryData'} "${key}": ${check.problem}${hint}`);
  }
  for (const [i, service] of spec.services.entries()) {
    if (!check.services.includes(service)) {
      const defined = check.services.length ? check.services.join(', ') : 'none';
      return fail(`services[${i}]`, 'service-not-found', `service ${service} is not in the descriptor set of ${where} "${key}" (it defines: ${defined})`);
    }
  }
  const transcoder: GrpcJsonTranscoder = { descriptorSet: base64, services: [...spec.services] };
  if (spec.autoMapping !== undefined) transcoder.autoMapping = spec.autoMapping;
  if (spec.convertGrpcStatus !== undefined) transcoder.convertGrpcStatus = spec.convertGrpcStatus;
  if (spec.printOptions) transcoder.printOptions = { ...spec.printOptions };
  return { ok: true, transcoder };
}

/** `binaryData[key]` (base64) when present, else `data[key]`, whose characters are the bytes' UTF-8 reading. */
function checkedDescriptorSet(object: KubeObject, key: string, binary: string | undefined, text: string | undefined): CheckedSet {
  let byKey = checked.get(object);
  const cached = byKey?.get(key);
  if (cached) return cached;
  let entry: CheckedSet;
  if (binary !== undefined) {
    const compact = binary.replace(/\s+/g, '');
    entry =
      compact.length % 4 === 0 && BASE64.test(compact)
        ? { base64: compact, check: checkDescriptorSet(Buffer.from(compact, 'base64')) }
        : { check: { ok: false, problem: 'not base64' } };
  } else {
    const bytes = Buffer.from(text ?? '', 'utf8');
    entry = { base64: bytes.toString('base64'), check: checkDescriptorSet(bytes) };
  }
  if (!byKey) checked.set(object, (byKey = new Map()));
  byKey.set(key, entry);
  return entry;
}
