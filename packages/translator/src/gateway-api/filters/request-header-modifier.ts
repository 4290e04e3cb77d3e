// RequestHeaderModifier: add, set or remove request headers (rule or backendRef level).
import { defineFilter } from './filter';
import { headerModifierSchema, toHeaderMutation } from './header-mutation';

export const requestHeaderModifier = defineFilter({
  type: 'RequestHeaderModifier',
  field: 'requestHeaderModifier',
  schema: headerModifierSchema,
  apply(config, draft) {
    draft.requestHeaders = toHeaderMutation(config);
  },
  applyToBackend(config, backend) {
    backend.requestHeaders = toHeaderMutation(config);
  },
});
