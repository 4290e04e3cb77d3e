// What an annotation group is: the names it owns with their support level, how it reads them, what it changes.
import type { Backend, HttpListener, Route, Secret, TlsCertificateRef } from '@tidegate/ir';
import type { IngressBackendSpec } from '../schema';
import type { SupportLevel } from '../types';

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';
export const HIGRESS_PREFIX = 'higress.io/';

/** One annotation name (without prefix), or a family of names sharing a start. */
export interface AnnotationDef {
  /** e.g. `rewrite-target`; for a family the fixed start, e.g. `exact-match-header-`. */
  readonly name: string;
  /** `name` is the start of a family (`higress.io/exact-match-header-<header>`). */
  readonly family?: boolean;
  /** Exists only as `higress.io/<name>`; otherwise `nginx.ingress.kubernetes.io/<name>` is read first. */
  readonly higressOnly?: boolean;
  readonly support: SupportLevel;
  /** How it maps onto Tidegate (supported, partly) or why it cannot (unsupported). */
  readonly maps: string;
  /** For `partly`: what behaves differently from ingress-nginx / Higress. */
  readonly limits?: string;
}

/** Declares an annotation the translator implements. */
export function annotation(name: string, support: SupportLevel, maps: string, more: { limits?: string; higressOnly?: boolean; family?: boolean } = {}): AnnotationDef {
  return { name, support, maps, ...more };
}

/** Where one Ingress's path is served: what route hooks may need to know. */
export interface RouteContext {
  /** The path as written in the Ingress (`/` when it had none). */
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  /** Whether the path is matched as a regular expression (use-regex or rewrite-target on the host). */
  regex: boolean;
}

/** What a group's parser may use and report through while reading one Ingress. */
export interface GroupContext {
  readonly namespace: string;
  readonly name: string;
  /** Every backend of the Ingress (rule paths and `spec.defaultBackend`), e.g. to tell whether an annotation is used. */
  readonly backends: readonly IngressBackendSpec[];
  /** A malformed value: an error naming the Ingress, the annotation and the value; the annotation is then ignored. */
  invalid(key: string, message: string): void;
  /** Something the annotation points at cannot be used (missing Secret or Service): an error; the annotation is ignored. */
  broken(key: string, message: string): void;
  /** A remark on this annotation's finding, e.g. which htpasswd lines were left out; `partly` lowers its level. */
  remark(key: string, message: string, partly?: boolean): void;
  /** A Backend or Secret the Ingress's configuration needs in the proxy group. */
  need(item: { backend?: Backend; secret?: Secret }): void;
  /** Reads Secrets, ConfigMaps and Services (see `Lookups`). */
  readonly lookups: Lookups;
}

/** Reading the objects annotations refer to. */
export interface Lookups {
  /** Every key of a Secret as text. */
  secretData(namespace: string, name: string): { ok: true; data: Record<string, string> } | { ok: false; message: string };
  configMapData(namespace: string, name: string): { ok: true; data: Record<string, string> } | { ok: false; message: string };
  /** A Service port as a Backend (port 0: the Service's first port). */
  serviceBackend(namespace: string, name: string, port: number): { ok: true; backend: Backend; secrets: Secret[] } | { ok: false; message: string };
  /** A `host:port` reached by DNS (or directly when `host` is an IP, or as a Service when it is `svc.ns.svc[.cluster.local]`). */
  hostBackend(host: string, port: number, tls: boolean): { ok: true; backend: Backend; secrets: Secret[] } | { ok: false; message: string };
}

/**
 * One file's worth of annotations. `parse` turns an Ingress's values into settings `S`
 * (undefined: nothing to do); the hooks apply settings to what the Ingress produces.
 * Shared code only calls hooks; it never looks inside a group's settings, except
 * for the few structural groups the translator reads directly (canary, rewrite, redirect, fallback, destination).
 */
export interface AnnotationGroup<S> {
  readonly id: string;
  readonly annotations: readonly AnnotationDef[];
  parse(a: AnnotationReader, ctx: GroupContext): S | undefined;
  /** Changes a forwarding route the Ingress serves. */
  route?(s: S, route: Route, rc: RouteContext): void;
  /** Changes the Backends of the Ingress's Services (a per-Ingress copy is made when any group has this hook and settings). */
  backend?(s: S, backend: Backend): void;
  /** Changes the TLS certificate entries of the hosts the Ingress lists in `spec.tls`. */
  certificate?(s: S, cert: TlsCertificateRef): void;
  /** Changes the default gateway's listeners (settings that cannot be narrower). */
  listener?(s: S, listener: HttpListener): void;
}

/** One annotation value and the key it was read from. */
export interface AnnotationValue {
  key: string;
  value: string;
}

/** The annotations of one Ingress, read with ingress-nginx's prefix first and Higress's as the fallback. */
export class AnnotationReader {
  /** Values by name without prefix (Ingresses carry few annotations; groups ask for many names). */
  private readonly nginx = new Map<string, string>();
  private readonly higress = new Map<string, string>();

  constructor(annotations: Readonly<Record<string, string>>) {
    for (const key in annotations) {
      if (key.startsWith(NGINX_PREFIX)) this.nginx.set(key.slice(NGINX_PREFIX.length), annotations[key] as string);
      else if (key.startsWith(HIGRESS_PREFIX)) this.higress.set(key.slice(HIGRESS_PREFIX.length), annotations[key] as string);
    }
  }

  /** Whether the Ingress has any ingress-nginx or Higress annotation. */
  get empty(): boolean {
    return this.nginx.size === 0 && this.higress.size === 0;
  }

  get(def: AnnotationDef): AnnotationValue | undefined {
    if (!def.higressOnly) {
      const value = this.nginx.get(def.name);
      if (value !== undefined) return { key: NGINX_PREFIX + def.name, value };
    }
    const value = this.higress.get(def.name);
    return value === undefined ? undefined : { key: HIGRESS_PREFIX + def.name, value };
  }

  /** Members of a family: the part of the name after `def.name`, the key and the value. */
  family(def: AnnotationDef): Array<AnnotationValue & { suffix: string }> {
    const out: Array<AnnotationValue & { suffix: string }> = [];
    const sources: Array<[string, Map<string, string>]> = def.higressOnly ? [[HIGRESS_PREFIX, this.higress]] : [[NGINX_PREFIX, this.nginx], [HIGRESS_PREFIX, this.higress]];
    for (const [prefix, values] of sources) {
      for (const [name, value] of values) {
        if (name.startsWith(def.name) && name.length > def.name.length) out.push({ key: prefix + name, value, suffix: name.slice(def.name.length) });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
