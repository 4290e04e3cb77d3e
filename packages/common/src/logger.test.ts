import { configureLogging, getLogger } from './logger';

describe('getLogger', () => {
  it('follows a later configureLogging (modules take loggers before the CLI reads --log-level)', () => {
    const early = getLogger('early');
    configureLogging('silent');
    expect(early.isLevelEnabled('info')).toBe(false);
    configureLogging('debug');
    expect(early.isLevelEnabled('debug')).toBe(true);
    const child = early.child({ extra: 1 });
    expect(child.isLevelEnabled('debug')).toBe(true);
    configureLogging('silent');
  });

  it('tags lines with the component', () => {
    const log = getLogger('tagged');
    expect(log.bindings()).toMatchObject({ component: 'tagged' });
  });
});
