// `tidegate controller` sources: Kubernetes by default, a directory, and --nacos-config with either.
import { controllerCommand } from './standalone';
import { controllerSources, type ControllerSourceFlags } from './controller-sources';

/** The controller's flags as commander parses them (its action replaced: nothing starts). */
async function parse(args: string[]): Promise<ControllerSourceFlags> {
  const cmd = controllerCommand().exitOverride().configureOutput({ writeErr: () => undefined });
  let flags: ControllerSourceFlags | undefined;
  cmd.action((f: ControllerSourceFlags) => {
    flags = f;
  });
  await cmd.parseAsync(args, { from: 'user' });
  return flags as ControllerSourceFlags;
}

describe('tidegate controller sources', () => {
  it('watches Kubernetes by default and adds Nacos configuration with --nacos-config (standalone flags and credentials)', async () => {
    const flags = await parse(['--nacos-config', '127.0.0.1:8848', '--nacos-namespace', 'dev', '--watch-namespace', 'team-a']);
    expect(controllerSources(flags, { NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'secret' })).toEqual({
      kubernetes: { kubeconfig: undefined, watchNamespace: 'team-a' },
      nacosConfig: {
        address: { host: '127.0.0.1', port: 8848 },
        namespaceId: 'dev',
        group: 'tidegate',
        credentials: { username: 'nacos', password: 'secret' },
      },
    });
  });

  it('combines a directory with Nacos configuration, and Kubernetes only when --kubeconfig is given too', async () => {
    expect(controllerSources(await parse(['--config-dir', '/cfg', '--nacos-config', 'nacos:8848', '--nacos-group', 'gw']), {})).toEqual({
      configDir: '/cfg',
      nacosConfig: { address: { host: 'nacos', port: 8848 }, namespaceId: '', group: 'gw' },
    });
    expect(controllerSources(await parse(['--config-dir', '/cfg', '--kubeconfig', '/kc']), {})).toEqual({
      configDir: '/cfg',
      kubernetes: { kubeconfig: '/kc', watchNamespace: undefined },
    });
  });

  it('rejects a bad --nacos-config and --nacos-namespace without --nacos-config', async () => {
    await expect(parse(['--nacos-config', 'nacos'])).rejects.toThrow(/is not HOST:PORT/);
    expect(() => controllerSources({ nacosNamespace: 'dev' }, {})).toThrow('--nacos-namespace needs --nacos-config');
  });
});
