// `--xds-tls-*` flags: the controller's mutual-TLS xDS port, and the client certificate `tidegate envoy` presents.
import * as fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { XdsTlsFiles } from '@tidegate/envoy-runner';
import type { XdsTlsOptions } from '@tidegate/xds-server';
import { port } from './options';

/** Default port of the mutual-TLS xDS server. */
export const XDS_TLS_PORT = 15012;

export interface XdsTlsServerFlags {
  xdsTlsPort: number;
  xdsTlsAddress: string;
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  xdsTlsCa?: string;
}

export function addXdsTlsServerFlags(cmd: Command): Command {
  return cmd
    .option('--xds-tls-port <port>', 'mutual-TLS xDS port; serves each proxy only the gateway its client certificate names (needs the three files below)', port, XDS_TLS_PORT)
    .option('--xds-tls-address <addr>', 'address the mutual-TLS xDS port binds', '0.0.0.0')
    .option('--xds-tls-cert <file>', "the xDS server's certificate chain (PEM)")
    .option('--xds-tls-key <file>', "the xDS server's private key (PEM)")
    .option('--xds-tls-ca <file>', "CA bundle (PEM) that signs the proxies' client certificates");
}

/** The TLS port's address and PEM material, or undefined when no `--xds-tls-*` file is given. */
export function xdsTlsServerOptions(flags: XdsTlsServerFlags, cmd: Command): ({ host: string; port: number } & XdsTlsOptions) | undefined {
  const files = allOrNone('--xds-tls-cert, --xds-tls-key and --xds-tls-ca', [flags.xdsTlsCert, flags.xdsTlsKey, flags.xdsTlsCa]);
  if (!files) {
    for (const flag of ['xdsTlsPort', 'xdsTlsAddress']) {
      if (cmd.getOptionValueSource(flag) === 'cli') throw new InvalidArgumentError(`--${kebab(flag)} needs --xds-tls-cert, --xds-tls-key and --xds-tls-ca`);
    }
    return undefined;
  }
  const [cert, key, ca] = files.map(read) as [string, string, string];
  return { host: flags.xdsTlsAddress, port: flags.xdsTlsPort, cert, key, ca };
}

export interface XdsTlsClientFlags {
  xdsTlsCert?: string;
  xdsTlsKey?: string;
  xdsTlsCa?: string;
  xdsTlsServerName?: string;
}

export function addXdsTlsClientFlags(cmd: Command): Command {
  return cmd
    .option('--xds-tls-cert <file>', 'client certificate (PEM) Envoy presents to the control plane: connect over mutual TLS')
    .option('--xds-tls-key <file>', 'private key (PEM) of the client certificate')
    .option('--xds-tls-ca <file>', "CA bundle (PEM) that signed the control plane's certificate")
    .option('--xds-tls-server-name <name>', "name the control plane's certificate must carry (default: the --xds-address host)");
}

/** The files for the bootstrap's xDS cluster, or undefined for plaintext. */
export function xdsTlsClientFiles(flags: XdsTlsClientFlags): XdsTlsFiles | undefined {
  const files = allOrNone('--xds-tls-cert, --xds-tls-key and --xds-tls-ca', [flags.xdsTlsCert, flags.xdsTlsKey, flags.xdsTlsCa]);
  if (!files) {
    if (flags.xdsTlsServerName !== undefined) throw new InvalidArgumentError('--xds-tls-server-name needs --xds-tls-cert, --xds-tls-key and --xds-tls-ca');
    return undefined;
  }
  // Envoy reads them itself; checking here turns a missing mount into a clear message.
  for (const f of files) read(f);
  const [certFile, keyFile, caFile] = files as [string, string, string];
  return { certFile, keyFile, caFile, ...(flags.xdsTlsServerName ? { serverName: flags.xdsTlsServerName } : {}) };
}

function allOrNone(what: string, values: Array<string | undefined>): string[] | undefined {
  const given = values.filter((v): v is string => v !== undefined && v !== '');
  if (given.length === 0) return undefined;
  if (given.length !== values.length) throw new InvalidArgumentError(`give all of ${what}, or none`);
  return given;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
