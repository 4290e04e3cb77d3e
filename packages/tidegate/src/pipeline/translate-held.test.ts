// Held objects in translation: an object whose new version fails the IR checks keeps its last valid version; one never valid is left out alone.
import { parseAllDocuments } from 'yaml';
import type { ResourceSnapshot, SourcedObject } from '@tidegate/common';
import { CHECK_FAILED_CODE, IngressTranslationCache } from '@tidegate/translator';
import { HeldObjects, markRejected } from './held-objects';
import { translateHeld as translate } from './translate-held';
import type { TranslateSettings } from './translate';

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { ports: [{ port: 80 }] }`;

/** An Ingress for host `<name>.example` with one ImplementationSpecific path (the API server does not insist on a leading "/" for that type). */
const ingress = (name: string, path: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: ${name}, namespace: default, generation: 2 }
spec:
  ingressClassName: tidegate
  rules: [{ host: ${name}.example, http: { paths: [{ path: ${JSON.stringify(path)}, pathType: ImplementationSpecific, backend: { service: { name: web, port: { number: 80 } } } }] } }]`;

const snapshot = (files: Record<string, string>): ResourceSnapshot => ({
  objects: Object.entries(files).flatMap(([file, text]): SourcedObject[] =>
    parseAllDocuments(text).map((d, document) => ({ object: d.toJS(), source: { file, document } })),
  ),
  errors: [],
});

const settings = (): TranslateSettings => ({
  controllerName: 'tidegate.io/gateway-controller',
  defaultListenAddress: '127.0.0.1',
  ingress: { ingressClass: 'tidegate', controllerName: 'tidegate.io/ingress-controller', gateway: { name: 'tidegate/ingress', address: '127.0.0.1', httpPort: 8080, httpsPort: 8443 }, cache: new IngressTranslationCache() },
});

/** As the control plane does after publishing: what passed becomes the last valid version. */
function translateHeld(...args: Parameters<typeof translate>): ReturnType<typeof translate> {
  const r = translate(...args);
  args[2].passed(r.translated.objects, r.leftOut);
  return r;
}

const hosts = (r: ReturnType<typeof translateHeld>) =>
  r.state.proxyGroups.flatMap((g) => g.httpListeners.flatMap((l) => l.virtualHosts.map((vh) => `${vh.name}:${vh.routes.map((x) => JSON.stringify(x.match.path)).join(',')}`)));

it('leaves out only the Ingress that fails the IR checks, naming its kind, namespace, name, file and field', () => {
  const held = new HeldObjects();
  const r = translateHeld(snapshot({ 'svc.yaml': SERVICE, 'good.yaml': ingress('good', '/good'), 'bad.yaml': ingress('bad', 'no-slash') }), settings(), held);
  expect(r.state.proxyGroups.map((g) => g.name)).toEqual(['tidegate/ingress']);
  expect(hosts(r)).toEqual(['good.example:{"type":"string-prefix","value":"/good"}']);
  const err = r.state.errors.find((e) => e.object.name === 'bad');
  expect(err).toMatchObject({ object: { kind: 'Ingress', namespace: 'default', name: 'bad' }, source: { file: 'bad.yaml' }, path: 'spec.rules[0].http.paths[0]', code: CHECK_FAILED_CODE });
  expect(err?.message).toMatch(/path must start with "\/".*left out \(no version of it was accepted yet\)/);
  expect(r.state.failedGroups).toEqual([]);
});

it('keeps serving the last valid version of an Ingress whose new version fails, until it changes again', () => {
  const held = new HeldObjects();
  const files = { 'svc.yaml': SERVICE, 'good.yaml': ingress('good', '/good'), 'bad.yaml': ingress('bad', '/v1') };
  translateHeld(snapshot(files), settings(), held);
  const s = settings();
  const broken = translateHeld(snapshot({ ...files, 'bad.yaml': ingress('bad', 'v2') }), s, held);
  expect(hosts(broken)).toEqual(['bad.example:{"type":"string-prefix","value":"/v1"}', 'good.example:{"type":"string-prefix","value":"/good"}']);
  const err = broken.state.errors.find((e) => e.object.name === 'bad');
  expect(err?.message).toMatch(/its last accepted version keeps serving until it is changed$/);
  // The status users see is the rejected generation's, Accepted False with reason Rejected.
  const status = broken.state.statuses.find((x) => x.name === 'bad')?.status as { conditions: Array<{ type: string; status: string; reason: string }> };
  expect(status.conditions[0]).toMatchObject({ type: 'Accepted', status: 'False', reason: 'Rejected' });
  // An unrelated change keeps the hold; a fix ends it.
  const other = translateHeld(snapshot({ ...files, 'bad.yaml': ingress('bad', 'v2'), 'good.yaml': ingress('good', '/good2') }), s, held);
  expect(hosts(other)).toEqual(['bad.example:{"type":"string-prefix","value":"/v1"}', 'good.example:{"type":"string-prefix","value":"/good2"}']);
  const fixed = translateHeld(snapshot({ ...files, 'bad.yaml': ingress('bad', '/v3') }), s, held);
  expect(hosts(fixed)).toContain('bad.example:{"type":"string-prefix","value":"/v3"}');
  expect(fixed.state.errors.filter((e) => e.object.name === 'bad')).toEqual([]);
  expect(held.list()).toEqual([]);
});

it('marks a Gateway Programmed False and every route parent Accepted False', () => {
  const gw = markRejected({ kind: 'Gateway', name: 'gw', status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }, { type: 'Programmed', status: 'True', reason: 'Programmed', message: '' }] } }, 'no', 3);
  expect(gw.status.conditions).toEqual([
    { type: 'Programmed', status: 'False', reason: 'Rejected', message: 'no', observedGeneration: 3 },
    { type: 'Accepted', status: 'True', reason: 'Accepted', message: '' },
  ]);
  const route = markRejected({ kind: 'HTTPRoute', name: 'r', status: { parents: [{ conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '' }] }] } }, 'no', undefined);
  expect(route.status).toEqual({ parents: [{ conditions: [{ type: 'Accepted', status: 'False', reason: 'Rejected', message: 'no' }] }] });
});

describe('an object whose new version has a mistake in its own fields', () => {
  const CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: tidegate }
spec: { controllerName: tidegate.io/gateway-controller }`;
  const gateway = (protocol: string, port = 8081) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: default, generation: 2 }
spec: { gatewayClassName: tidegate, listeners: [{ name: http, protocol: ${protocol}, port: ${port} }] }`;
  const route = (prefix: string, header = 'x-a', backend = 'web') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: ${prefix} }, headers: [{ type: RegularExpression, name: x, value: ${JSON.stringify(header)} }] }], backendRefs: [{ name: ${backend}, port: 80 }] }]`;
  const gatewaySettings = (): TranslateSettings => ({ controllerName: 'tidegate.io/gateway-controller', defaultListenAddress: '127.0.0.1' });
  const gwHosts = (r: ReturnType<typeof translateHeld>) =>
    r.state.proxyGroups.flatMap((g) => g.httpListeners.map((l) => `${l.port}:${l.virtualHosts.flatMap((vh) => vh.routes.map((x) => x.match.path.value)).join(',')}`));
  type Conditions = Array<{ type: string; status: string; reason: string; message: string }>;
  const statusOf = (r: ReturnType<typeof translateHeld>, kind: string) => r.state.statuses.find((s) => s.kind === kind)?.status as { conditions?: Conditions; listeners?: Array<{ conditions: Conditions }>; parents?: Array<{ conditions: Conditions }> };

  it('keeps a Gateway edited to protocol HTTPX serving its last valid listener; errors and status describe the new version', () => {
    const held = new HeldObjects();
    const s = gatewaySettings();
    const files = { 'class.yaml': CLASS, 'svc.yaml': SERVICE, 'gw.yaml': gateway('HTTP'), 'route.yaml': route('/a') };
    expect(gwHosts(translateHeld(snapshot(files), s, held))).toEqual(['8081:/a']);
    const typo = translateHeld(snapshot({ ...files, 'gw.yaml': gateway('HTTPX', 8082) }), s, held);
    expect(gwHosts(typo)).toEqual(['8081:/a']);
    const err = typo.state.errors.find((e) => e.object.kind === 'Gateway');
    expect(err).toMatchObject({ object: { kind: 'Gateway', namespace: 'default', name: 'gw' }, source: { file: 'gw.yaml' }, path: 'spec.listeners[0].protocol', code: 'unsupported-protocol' });
    expect(err?.message).toMatch(/protocol HTTPX is not supported.*\(serving the last valid version of Gateway default\/gw until it is changed\)$/);
    // Status is the new version's, as the spec demands (UnsupportedProtocol), noting what serves.
    const gw = statusOf(typo, 'Gateway');
    expect(gw.listeners?.[0]?.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'False', reason: 'UnsupportedProtocol' });
    expect(gw.conditions?.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'False', message: expect.stringMatching(/serving the last valid version of Gateway default\/gw/) });
    // The route still attaches to the listener that serves.
    expect(statusOf(typo, 'HTTPRoute').parents?.[0]?.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'True' });
    // Other objects' changes flow; the fix applies.
    expect(gwHosts(translateHeld(snapshot({ ...files, 'gw.yaml': gateway('HTTPX', 8082), 'route.yaml': route('/b') }), s, held))).toEqual(['8081:/b']);
    const fixed = translateHeld(snapshot({ ...files, 'gw.yaml': gateway('HTTP', 8082), 'route.yaml': route('/b') }), s, held);
    expect(gwHosts(fixed)).toEqual(['8082:/b']);
    expect(fixed.state.errors).toEqual([]);
    expect(held.list()).toEqual([]);
  });

  it('keeps serving the previous rules of a route edited with a bad regex', () => {
    const held = new HeldObjects();
    const s = gatewaySettings();
    const files = { 'class.yaml': CLASS, 'svc.yaml': SERVICE, 'gw.yaml': gateway('HTTP'), 'route.yaml': route('/a') };
    translateHeld(snapshot(files), s, held);
    const typo = translateHeld(snapshot({ ...files, 'route.yaml': route('/b', '(unclosed') }), s, held);
    expect(gwHosts(typo)).toEqual(['8081:/a']);
    const err = typo.state.errors.find((e) => e.object.kind === 'HTTPRoute');
    expect(err).toMatchObject({ source: { file: 'route.yaml' }, path: 'spec.rules[0].matches[0].headers[0].value', code: 'invalid-rule' });
    expect(err?.message).toMatch(/serving the last valid version of HTTPRoute default\/r until it is changed\)$/);
    const accepted = statusOf(typo, 'HTTPRoute').parents?.[0]?.conditions.find((c) => c.type === 'Accepted');
    expect(accepted).toMatchObject({ status: 'False', message: expect.stringMatching(/^no rule can be served: .*serving the last valid version/) });
  });

  it('is not held when it was never valid, when it is a re-created object, or when what fails is a reference', () => {
    const held = new HeldObjects();
    const s = gatewaySettings();
    const files = { 'class.yaml': CLASS, 'svc.yaml': SERVICE, 'gw.yaml': gateway('HTTP'), 'route.yaml': route('/a', '(never') };
    expect(gwHosts(translateHeld(snapshot(files), s, held))).toEqual(['8081:']);
    // Never valid: each new version is translated as it is.
    expect(gwHosts(translateHeld(snapshot({ ...files, 'route.yaml': route('/b', '(still') }), s, held))).toEqual(['8081:']);
    expect(translateHeld(snapshot({ ...files, 'route.yaml': route('/c') }), s, held).state.errors).toEqual([]);
    // A missing Service is a state of the world, not a mistake in the route: the new version serves (500) and says so.
    const missing = translateHeld(snapshot({ ...files, 'route.yaml': route('/d', 'x-a', 'nowhere') }), s, held);
    expect(gwHosts(missing)).toEqual(['8081:/d']);
    expect(missing.state.errors.map((e) => e.code)).toEqual(['backend-not-found']);
    expect(held.list()).toEqual([]);
    // Another object under the same name (a new uid) is not held at the old one's version.
    const withUid = (uid: string, text: string) => text.replace('metadata: { name: gw,', `metadata: { uid: ${uid}, name: gw,`);
    translateHeld(snapshot({ ...files, 'route.yaml': route('/d'), 'gw.yaml': withUid('one', gateway('HTTP')) }), s, held);
    const recreated = translateHeld(snapshot({ ...files, 'route.yaml': route('/d'), 'gw.yaml': withUid('two', gateway('HTTPX')) }), s, held);
    expect(gwHosts(recreated)).toEqual([]);
    expect(held.list()).toEqual([]);
  });
});
