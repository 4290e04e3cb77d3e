// checkDescriptorSet must refuse exactly the descriptor sets real Envoy refuses (each case is judged by `envoy --mode validate`).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as descriptor from 'protobufjs/ext/descriptor';
import type { IFileDescriptorProto } from 'protobufjs/ext/descriptor';
import type { ProxyGroup } from '@tidegate/ir';
import { echoDescriptorSet } from '@tidegate/testkit';
import { checkDescriptorSet } from './descriptor-set';
import { translateProxyGroup } from './index';
import { envoyBinary } from './test-support/envoy-bin';
import { staticBootstrap } from './test-support/static-bootstrap';

const run = promisify(execFile);

const STRING = 9;
const MESSAGE = 11;
const msg = (name: string, fields: Array<[string, number, string?]> = []) => ({
  name,
  field: fields.map(([f, number, typeName]) => (typeName ? { name: f, number, label: 1, type: MESSAGE, typeName } : { name: f, number, label: 1, type: STRING })),
});
const service = (name: string, input: string, output: string) => ({ name, method: [{ name: 'Call', inputType: input, outputType: output }] });
const encode = (...file: IFileDescriptorProto[]): Buffer => Buffer.from(descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.fromObject({ file })).finish());

const common: IFileDescriptorProto = { name: 'common.proto', package: 'common', syntax: 'proto3', messageType: [msg('Msg', [['text', 1]])] };
const api = (overrides: Partial<IFileDescriptorProto> = {}): IFileDescriptorProto => ({
  name: 'api.proto',
  package: 'api',
  syntax: 'proto3',
  dependency: ['common.proto'],
  messageType: [msg('Req', [['inner', 1, '.common.Msg']])],
  service: [service('Api', '.api.Req', '.common.Msg')],
  ...overrides,
});

/** protobufjs' own toDescriptor output for echo.proto: map entry `Metadata`, not `MetadataEntry`. */
function rawProtobufjsEcho(): Buffer {
  const set = descriptor.FileDescriptorSet.decode(echoDescriptorSet());
  const obj = descriptor.FileDescriptorSet.toObject(set) as { file: IFileDescriptorProto[] };
  const reply = obj.file[0]!.messageType![1]!;
  reply.nestedType![0]!.name = 'Metadata';
  reply.field![2]!.typeName = 'Metadata';
  return encode(...obj.file);
}

const CASES: Array<[string, Buffer, string[]]> = [
  ['the testkit echo set', echoDescriptorSet(), ['tidegate.testing.v1.Echo']],
  ['imports before importers, relative and qualified names', encode(common, api({ messageType: [msg('Req', [['inner', 1, 'common.Msg']])] })), ['api.Api']],
  ['an identical file twice', encode(common, common, api()), ['api.Api']],
  ['bytes that are no descriptor set', Buffer.from('not a descriptor'), ['api.Api']],
  ['no files', Buffer.alloc(0), ['api.Api']],
  ['an import missing (protoc without --include_imports)', encode(api()), ['api.Api']],
  ['an import after its importer', encode(api(), common), ['api.Api']],
  ['a type that is defined nowhere', encode(common, api({ service: [service('Api', '.api.Nope', '.common.Msg')] })), ['api.Api']],
  ['a type of a file not imported', encode(common, api({ dependency: [] })), ['api.Api']],
  ['a message defined in two files', encode(common, { ...common, name: 'again.proto', service: [service('Svc', '.common.Msg', '.common.Msg')] }), ['common.Svc']],
  ['one file name with two contents', encode(common, { ...common, service: [service('Svc', '.common.Msg', '.common.Msg')] }), ['common.Svc']],
  ['map entry named as protobufjs does', rawProtobufjsEcho(), ['tidegate.testing.v1.Echo']],
  ['a service not in the set', echoDescriptorSet(), ['tidegate.testing.v1.Missing']],
];

function group(set: Buffer, services: string[]): ProxyGroup {
  return {
    name: 'default/descriptor',
    httpListeners: [
      {
        name: 'http',
        address: '127.0.0.1',
        port: 18080,
        virtualHosts: [
          {
            name: 'api',
            domains: ['*'],
            routes: [
              {
                name: 'json',
                match: { path: { type: 'prefix', value: '/' } },
                grpcJsonTranscoder: { descriptorSet: set.toString('base64'), services },
                action: { kind: 'forward', backends: [{ backend: 'grpc', weight: 1 }] },
              },
            ],
          },
        ],
      },
    ],
    tcpListeners: [],
    grpcApiListeners: [],
    backends: [{ name: 'grpc', protocol: 'grpc', discovery: { type: 'static', endpoints: [{ address: '127.0.0.1', port: 1 }] } }],
    secrets: [],
  };
}

describe('checkDescriptorSet agrees with Envoy', () => {
  const envoy = envoyBinary();
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidegate-descriptor-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(CASES)('%s', async (name, set, services) => {
    const check = checkDescriptorSet(set);
    const ours = check.ok && services.every((s) => check.services.includes(s));
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(staticBootstrap(translateProxyGroup(group(set, services)))));
    const envoyAccepts = await run(envoy, ['--mode', 'validate', '-c', file, '-l', 'critical'], { timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    expect({ accepted: ours, why: check.ok ? undefined : check.problem }).toEqual({ accepted: envoyAccepts, why: check.ok ? undefined : expect.any(String) });
  });
});

describe('checkDescriptorSet problems', () => {
  const problem = (set: Buffer) => {
    const r = checkDescriptorSet(set);
    return r.ok ? undefined : r.problem;
  };

  it('names the services of every file', () => {
    expect(checkDescriptorSet(encode(common, api()))).toEqual({ ok: true, services: ['api.Api'] });
  });

  it('says which file and which name is at fault', () => {
    expect(problem(encode(api()))).toBe('api.proto: imports common.proto, which is not in the set before it (build the set with protoc --include_imports)');
    expect(problem(encode(common, api({ service: [service('Api', '.api.Nope', '.common.Msg')] })))).toBe(
      'api.proto: type .api.Nope of api.Api.Call input is not defined in this file or its imports',
    );
    expect(problem(encode(common, { ...common, name: 'again.proto' }))).toBe('again.proto: common.Msg is already defined in common.proto');
    expect(problem(encode(common, { ...common, messageType: [] }))).toBe('file common.proto appears twice with different contents');
    expect(problem(rawProtobufjsEcho())).toMatch(/^tidegate\/testing\/v1\/echo.proto: map entry type tidegate.testing.v1.EchoReply.Metadata must be named MetadataEntry/);
    expect(problem(Buffer.alloc(0))).toBe('the FileDescriptorSet holds no files');
    expect(problem(Buffer.from([0x0a, 0x05, 0x01]))).toMatch(/^not a serialised FileDescriptorSet/);
  });
});
