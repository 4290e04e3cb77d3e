// Memory between Ingress translations: the state of the last one, while it still applies.
import type { SourcedObject } from '@tidegate/common';
import { TranslationEnvironment } from '../resources';
import { REGISTRY_KINDS } from '../registry';
import { IngressState } from './ingress-state';
import { INGRESS_KINDS } from './translate';
import type { IngressTranslateOptions } from './types';

/**
 * Kinds besides Ingress that an Ingress translation reads (McpBridges and RegistryServices
 * through the registry catalog). Objects of other kinds, an HTTPRoute say, are not its
 * environment: changing them keeps the state.
 */
const ENVIRONMENT_KINDS = new Set([...INGRESS_KINDS, ...REGISTRY_KINDS].map((k) => k.kind).filter((kind) => kind !== 'Ingress'));

/**
 * Keeps an IngressState between translations. Everything an Ingress's translation reads
 * besides the Ingresses (Services, EndpointSlices, Secrets, ConfigMaps, classes, backend
 * policies, McpBridges and their discovered services, options) is
 * the "environment": while it is unchanged (same objects, by identity, as providers hand over
 * unchanged objects), the next translation updates the last state with the Ingresses that
 * came and went. Any change to the environment starts from an empty state. Results are
 * identical to a translation without the cache (a test checks it); only the time differs.
 */
export class IngressTranslationCache {
  private readonly environment = new TranslationEnvironment();
  private state = new IngressState();

  /** The state a translation of `objects` updates: the last one, or a fresh one when the environment changed. */
  begin(objects: readonly SourcedObject[], options: IngressTranslateOptions): IngressState {
    const { cache: _cache, registries: _registries, ...settings } = options;
    if (!this.environment.update(objects, (o) => ENVIRONMENT_KINDS.has(o.kind), settings)) this.state = new IngressState();
    return this.state;
  }

  /** Drops the state (a translation failed part-way through it). */
  forget(): void {
    this.state = new IngressState();
    this.environment.reset();
  }
}
