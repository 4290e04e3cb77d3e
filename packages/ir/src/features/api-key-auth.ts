// IR check of API-key authentication (Route.apiKey): credentials, key sources, allow list, the consumer header.
import { addedHeaderNameProblem, headerNameProblem } from '../envoy-rules/headers';
import { headerSafeProblem } from '../envoy-rules/proto-string';
import type { IrFeatureCheck } from '../feature-check';

export const apiKeyAuthCheck: IrFeatureCheck = {
  name: 'api-key-auth',
  route(c, r, base) {
    const a = r.apiKey;
    if (!a) return;
    const path = `${base}.apiKey`;
    if (a.credentials.length === 0) c.add('missing-credentials', `${path}.credentials`, 'at least one credential is required');
    const seen = new Map<string, number>();
    a.credentials.forEach((cred, i) => {
      const at = `${path}.credentials[${i}]`;
      // Never the key itself in a message: it is a secret.
      if (cred.key === '') c.add('empty-key', `${at}.key`, 'the key is empty');
      else if (headerSafeProblem(cred.key)) c.add('bad-key', `${at}.key`, 'the key has characters a header or query value cannot carry (NUL, CR or LF)');
      const clientProblem = cred.client === '' ? 'must not be empty' : headerSafeProblem(cred.client);
      if (clientProblem) c.add('bad-client', `${at}.client`, clientProblem);
      const first = seen.get(cred.key);
      if (first !== undefined) c.add('duplicate-key', `${at}.key`, `the same key as credentials[${first}]`);
      else seen.set(cred.key, i);
    });
    if (a.sources.length === 0) c.add('missing-source', `${path}.sources`, 'at least one key source is required');
    a.sources.forEach((s, i) => {
      const at = `${path}.sources[${i}]`;
      const problem = 'header' in s ? headerNameProblem(s.header) : s.query === '' ? 'must not be empty' : headerSafeProblem(s.query);
      if (problem) c.add('bad-source', `${at}.${'header' in s ? 'header' : 'query'}`, problem);
    });
    a.allow?.forEach((name, i) => {
      if (name === '') c.add('bad-allow', `${path}.allow[${i}]`, 'must not be empty');
    });
    if (a.forwardClientHeader !== undefined) {
      const problem = addedHeaderNameProblem(a.forwardClientHeader);
      if (problem) c.add('bad-header', `${path}.forwardClientHeader`, problem);
    }
  },
};
