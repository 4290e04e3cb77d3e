// Fallback: default-backend (when the Ingress's Service has no ready endpoints or does not exist) and custom-http-errors.
import type { Backend } from '@tidegate/ir';
import { annotation, type AnnotationGroup } from './annotation';
import { read, serviceRef, statusCodes } from './values';

export interface FallbackSettings {
  /** Serves when the Ingress's own Service has no ready endpoint or does not exist, and renders custom errors. */
  defaultBackend?: Backend;
  errorCodes?: number[];
}

const DEFAULT_BACKEND = annotation(
  'default-backend',
  'supported',
  '`service[:port]` in the Ingress\'s namespace: paths whose Service has no ready endpoint, or does not exist (still an error), forward to it instead (decided at translation, as ingress-nginx does)',
);
const CUSTOM_HTTP_ERRORS = annotation('custom-http-errors', 'partly', 'upstream answers with these status codes are replaced by the default-backend\'s answer (route custom errors: Envoy internal redirect to the error backend)', {
  limits: 'the error backend receives the original path and X-Code; ingress-nginx\'s other X- headers (X-Format, X-Original-URI, X-Namespace, X-Ingress-Name, X-Service-Name, X-Service-Port, X-Request-ID) are not sent',
});

export const fallbackGroup: AnnotationGroup<FallbackSettings> = {
  id: 'fallback',
  annotations: [DEFAULT_BACKEND, CUSTOM_HTTP_ERRORS],
  parse(a, ctx) {
    const s: FallbackSettings = {};
    const ref = read(a, DEFAULT_BACKEND, ctx, serviceRef(ctx.namespace));
    const found = a.get(DEFAULT_BACKEND);
    if (ref && found) {
      if (ref.namespace !== ctx.namespace) ctx.invalid(found.key, 'must be a Service in the Ingress\'s own namespace');
      else {
        const r = ctx.lookups.serviceBackend(ref.namespace, ref.name, ref.port);
        if (!r.ok) ctx.broken(found.key, r.message);
        else {
          ctx.need({ backend: r.backend });
          for (const secret of r.secrets) ctx.need({ secret });
          s.defaultBackend = r.backend;
        }
      }
    }
    const codes = read(a, CUSTOM_HTTP_ERRORS, ctx, statusCodes(400, 599));
    const codesFound = a.get(CUSTOM_HTTP_ERRORS);
    if (codes && codesFound) {
      if (!s.defaultBackend) ctx.broken(codesFound.key, 'needs a usable default-backend to render the errors (Tidegate has no global default backend)');
      else s.errorCodes = codes;
    }
    return Object.keys(s).length ? s : undefined;
  },
  route(s, route) {
    if (s.errorCodes && s.defaultBackend) route.customErrors = { statusCodes: s.errorCodes, backend: s.defaultBackend.name };
  },
};
