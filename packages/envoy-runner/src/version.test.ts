import { ENVOY_VERSION, envoyVersion, parseEnvoyVersion } from './version';
import { testEnvoyBinary } from './test-support/envoy-bin';

describe('envoyVersion', () => {
  it('parses the release out of --version output', () => {
    expect(parseEnvoyVersion('\n/x/envoy  version: 9e5580933739775e8bce696a57a2e1bc99368f23/1.40.0/Clean/RELEASE/BoringSSL\n')).toBe('1.40.0');
    expect(parseEnvoyVersion('no version here')).toBeUndefined();
  });

  it('reads the real binary', async () => {
    expect(await envoyVersion(testEnvoyBinary())).toBe(ENVOY_VERSION);
  });

  it('fails with version-unknown for something that is not Envoy', async () => {
    await expect(envoyVersion('/bin/false')).rejects.toMatchObject({ code: 'version-unknown' });
  });
});
