// GatewayClass status.supportedFeatures: the shape and order the CRD asks for.
import { SUPPORTED_FEATURES, supportedFeatures } from './supported-features';

describe('supportedFeatures', () => {
  it('lists each feature once as {name}, in ascending order by name, within the CRD limit of 64', () => {
    const list = supportedFeatures();
    const names = list.map((f) => f.name);
    expect(list.every((f) => Object.keys(f).length === 1)).toBe(true);
    expect(new Set(names).size).toBe(SUPPORTED_FEATURES.length);
    // Go's byte-wise string order: capitals before lower case ("GRPCRoute" < "Gateway").
    expect(names).toEqual([...names].sort());
    expect(names.indexOf('GRPCRoute')).toBeLessThan(names.indexOf('Gateway'));
    expect(names.length).toBeLessThanOrEqual(64);
  });

  it('claims only what is implemented: no ListenerSet', () => {
    const names = supportedFeatures().map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'TLSRouteModeMixed', 'BackendTLSPolicySANValidation', 'GatewayFrontendClientCertificateValidationInsecureFallback']));
    for (const missing of ['GatewayListenerSet', 'ListenerSet']) {
      expect(names).not.toContain(missing);
    }
  });
});
