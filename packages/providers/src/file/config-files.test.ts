// Which file names count as configuration.
import { isConfigFileName } from './config-files';

describe('isConfigFileName', () => {
  it.each(['a.yaml', 'a.yml', 'B.YAML', 'gateway.v2.yaml'])('reads %s', (name) => {
    expect(isConfigFileName(name)).toBe(true);
  });
  it.each(['.hidden.yaml', '.#a.yaml', '#a.yaml#', 'a.yaml~', '.a.yaml.swp', 'a.json', 'README.md', 'a.yaml.bak', 'yaml'])(
    'ignores %s',
    (name) => {
      expect(isConfigFileName(name)).toBe(false);
    },
  );
});
