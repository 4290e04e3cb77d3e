// ResponseHeaderModifier: add, set or remove response headers (rule or backendRef level).
import { defineFilter } from './filter';
import { headerModifierSchema, toHeaderMutation } from './header-mutation';

export const responseHeaderModifier = defineFilter({
  type: 'ResponseHeaderModifier',
  field: 'responseHeaderModifier',
  schema: headerModifierSchema,
  apply(config, draft) {
    draft.responseHeaders = toHeaderMutation(config);
  },
  applyToBackend(config, backend) {
    backend.responseHeaders = toHeaderMutation(config);
  },
});
