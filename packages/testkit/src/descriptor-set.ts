// Protobuf descriptor sets built from .proto files at test time, and ConfigMaps carrying them (gRPC-JSON transcoding).
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';
import type { IDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor';

const PROTOS = path.join(__dirname, '..', '..', '..', 'protos');

/** `protos/tidegate/testing/v1/echo.proto`: the service {@link startGrpcEcho} serves. */
export const ECHO_PROTO = path.join(PROTOS, 'tidegate', 'testing', 'v1', 'echo.proto');

/**
 * A serialised `google.protobuf.FileDescriptorSet` for one self-contained .proto file (one
 * package, no imports), as `protoc --include_imports --descriptor_set_out` would write it.
 * protobufjs' `toDescriptor` names map entry types after the field (`Metadata`), which protobuf
 * (and so Envoy) refuses: they are renamed `<Field>Entry` and references made fully qualified.
 */
export function descriptorSetFromProto(protoFile: string): Buffer {
  const root = new protobuf.Root();
  root.loadSync(protoFile, { keepCase: true });
  const set = (root as protobuf.Root & { toDescriptor(syntax: string): descriptor.IFileDescriptorSet }).toDescriptor('proto3');
  if (set.file.length !== 1) throw new Error(`${protoFile}: expected one package without imports, got ${set.file.length} files`);
  const file = set.file[0] as IFileDescriptorProto;
  const relative = path.relative(PROTOS, protoFile);
  file.name = relative.startsWith('..') ? path.basename(protoFile) : relative.split(path.sep).join('/');
  for (const m of file.messageType ?? []) fixMapEntries(m, `.${file.package}`);
  return Buffer.from(descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.fromObject(set)).finish());
}

/** The descriptor set of the testkit Echo service (`tidegate.testing.v1.Echo`). */
export function echoDescriptorSet(): Buffer {
  return descriptorSetFromProto(ECHO_PROTO);
}

/**
 * A core ConfigMap holding a descriptor set in `binaryData[key]` (base64), what a Tidegate
 * HTTPRouteFilter `grpcJsonTranscoder.descriptorSet.configMapRef` points at. Plain data: write
 * it with JSON.stringify (JSON is YAML) or a YAML library.
 */
export function descriptorSetConfigMap(opts: { name: string; namespace?: string; key?: string; descriptorSet?: Buffer }): Record<string, unknown> {
  const set = opts.descriptorSet ?? echoDescriptorSet();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'default' },
    binaryData: { [opts.key ?? 'descriptor.pb']: set.toString('base64') },
  };
}

function fixMapEntries(m: IDescriptorProto, scope: string): void {
  const full = `${scope}.${m.name}`;
  for (const nested of m.nestedType ?? []) {
    if (nested.options?.mapEntry) {
      const field = (m.field ?? []).find((f) => f.typeName === nested.name || f.typeName === `${full}.${nested.name}`);
      if (field) {
        nested.name = `${camelCase(field.name ?? '')}Entry`;
        field.typeName = `${full}.${nested.name}`;
      }
    }
    fixMapEntries(nested, full);
  }
}

/** protobuf's ToCamelCase with an upper-case first letter: `foo_bar` → `FooBar`. */
function camelCase(name: string): string {
  return name.replace(/(^|_)([a-z]?)/g, (_m, _sep: string, ch: string) => ch.toUpperCase());
}
