import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { XDS_TLS_PORT, addXdsTlsClientFlags, addXdsTlsServerFlags, xdsTlsClientFiles, xdsTlsServerOptions, type XdsTlsClientFlags, type XdsTlsServerFlags } from './xds-tls-flags';

let dir: string;
const file = (name: string): string => path.join(dir, name);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xds-tls-flags-'));
  for (const f of ['crt', 'key', 'ca']) fs.writeFileSync(file(f), `${f} pem`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function server(...args: string[]): ReturnType<typeof xdsTlsServerOptions> {
  const cmd = addXdsTlsServerFlags(new Command('controller').exitOverride());
  cmd.parse(args, { from: 'user' });
  return xdsTlsServerOptions(cmd.opts<XdsTlsServerFlags>(), cmd);
}

function client(...args: string[]): ReturnType<typeof xdsTlsClientFiles> {
  const cmd = addXdsTlsClientFlags(new Command('envoy').exitOverride());
  cmd.parse(args, { from: 'user' });
  return xdsTlsClientFiles(cmd.opts<XdsTlsClientFlags>());
}

describe('controller --xds-tls-*', () => {
  it('is off without files, and reads the three files on port 15012 by default', () => {
    expect(server()).toBeUndefined();
    expect(server('--xds-tls-cert', file('crt'), '--xds-tls-key', file('key'), '--xds-tls-ca', file('ca'))).toEqual({
      host: '0.0.0.0',
      port: XDS_TLS_PORT,
      cert: 'crt pem',
      key: 'key pem',
      ca: 'ca pem',
    });
    expect(XDS_TLS_PORT).toBe(15012);
  });

  it('refuses some files without the others, a port without files, and unreadable files', () => {
    expect(() => server('--xds-tls-cert', file('crt'))).toThrow('give all of --xds-tls-cert, --xds-tls-key and --xds-tls-ca, or none');
    expect(() => server('--xds-tls-port', '16000')).toThrow('--xds-tls-port needs --xds-tls-cert, --xds-tls-key and --xds-tls-ca');
    expect(() => server('--xds-tls-cert', file('nope'), '--xds-tls-key', file('key'), '--xds-tls-ca', file('ca'))).toThrow(/cannot read .*nope: ENOENT/);
  });
});

describe('envoy --xds-tls-*', () => {
  it('gives the bootstrap the file names (and the server name), or nothing for plaintext', () => {
    expect(client()).toBeUndefined();
    expect(client('--xds-tls-cert', file('crt'), '--xds-tls-key', file('key'), '--xds-tls-ca', file('ca'), '--xds-tls-server-name', 'cp.example')).toEqual({
      certFile: file('crt'),
      keyFile: file('key'),
      caFile: file('ca'),
      serverName: 'cp.example',
    });
    expect(() => client('--xds-tls-server-name', 'cp.example')).toThrow(/needs --xds-tls-cert/);
    expect(() => client('--xds-tls-key', file('key'))).toThrow(/give all of/);
  });
});
