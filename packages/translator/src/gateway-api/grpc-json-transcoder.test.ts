// HTTPRouteFilter grpcJsonTranscoder beyond the golden case: a set held in ConfigMap data, and a changed ConfigMap read anew.
import * as descriptor from 'protobufjs/ext/descriptor';
import type { KubeObject, SourcedObject } from '@tidegate/common';
import { translateGatewayApi } from './translate';

const options = { controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' };

/** A one-file set small enough to be plain ASCII, so kubectl would store it in `data`. */
const tinySet = Buffer.from(
  descriptor.FileDescriptorSet.encode(
    descriptor.FileDescriptorSet.fromObject({
      file: [{ name: 'a.proto', package: 'a', syntax: 'proto3', messageType: [{ name: 'M' }], service: [{ name: 'S', method: [{ name: 'Call', inputType: '.a.M', outputType: '.a.M' }] }] }],
    }),
  ).finish(),
);

const objects = (configMap: Record<string, unknown>): SourcedObject[] =>
  [
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'tg' }, spec: { controllerName: options.controllerName } },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { gatewayClassName: 'tg', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'protos', namespace: 'default' }, ...configMap },
    {
      apiVersion: 'tidegate.io/v1alpha1',
      kind: 'HTTPRouteFilter',
      metadata: { name: 'json', namespace: 'default' },
      spec: { grpcJsonTranscoder: { descriptorSet: { configMapRef: { name: 'protos', key: 'set.pb' } }, services: ['a.S'] } },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'default' },
      spec: {
        parentRefs: [{ name: 'gw' }],
        rules: [{ filters: [{ type: 'ExtensionRef', extensionRef: { group: 'tidegate.io', kind: 'HTTPRouteFilter', name: 'json' } }], backendRefs: [{ name: 'svc', port: 9000 }] }],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', namespace: 'default' }, spec: { ports: [{ port: 9000, appProtocol: 'kubernetes.io/h2c' }] } },
  ].map((object) => ({ object: object as KubeObject }));

const transcoderOf = (objs: SourcedObject[]) => {
  const result = translateGatewayApi(objs, options);
  return { errors: result.errors, transcoder: result.proxyGroups[0]?.httpListeners[0]?.virtualHosts[0]?.routes[0]?.grpcJsonTranscoder };
};

it('reads a set kept in data as its bytes (what kubectl does with a set that is valid UTF-8)', () => {
  expect(tinySet.every((b) => b < 0x80)).toBe(true);
  const { errors, transcoder } = transcoderOf(objects({ data: { 'set.pb': tinySet.toString('utf8') } }));
  expect(errors).toEqual([]);
  expect(transcoder).toEqual({ descriptorSet: tinySet.toString('base64'), services: ['a.S'] });
});

it('takes binaryData base64 with line breaks, and an HTTP/2 Service as it is', () => {
  const wrapped = tinySet.toString('base64').replace(/(.{20})/g, '$1\n');
  const result = translateGatewayApi(objects({ binaryData: { 'set.pb': wrapped } }), options);
  expect(result.errors).toEqual([]);
  const route = result.proxyGroups[0]?.httpListeners[0]?.virtualHosts[0]?.routes[0];
  expect(route?.grpcJsonTranscoder?.descriptorSet).toBe(tinySet.toString('base64'));
  expect(route?.action).toMatchObject({ kind: 'forward', backends: [{ backend: 'k8s/default/svc/9000' }] });
});

it('checks a changed ConfigMap again (results are kept per object, not per name)', () => {
  expect(transcoderOf(objects({ binaryData: { 'set.pb': tinySet.toString('base64') } })).errors).toEqual([]);
  const broken = transcoderOf(objects({ binaryData: { 'set.pb': Buffer.from('nope').toString('base64') } }));
  expect(broken.transcoder).toBeUndefined();
  expect(broken.errors).toEqual([
    expect.objectContaining({ object: { kind: 'HTTPRoute', namespace: 'default', name: 'r' }, code: 'invalid-filter' }),
    expect.objectContaining({ object: { kind: 'HTTPRouteFilter', namespace: 'default', name: 'json' }, path: 'spec.grpcJsonTranscoder.descriptorSet', code: 'invalid-descriptor-set' }),
  ]);
});
