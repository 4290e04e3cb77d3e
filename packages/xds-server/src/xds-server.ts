// The gRPC xDS management server: ADS and per-type services, SotW and Delta, over one SnapshotCache.
import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { getLogger } from '@tidegate/common';
import { DeltaSession } from './delta-session';
import { XdsServerError } from './errors';
import { identityOfCertificate, type PeerIdentity } from './peer-identity';
import { AckEvents } from './events';
import { XdsMetrics } from './metrics';
import { XDS_SERVICES, serviceDefinition, type XdsMethod } from './services';
import type { DeltaRequest, SotwRequest } from './requests';
import type { Session, SessionContext } from './session';
import type { SnapshotCache } from './snapshot-cache';
import { SotwSession } from './sotw-session';
import type { ConnectedProxy, GroupOf, SyncStatusEntry, XdsAckListener, XdsNode } from './types';

const log = getLogger('xds-server');

const SHUTDOWN_GRACE_MS = 3000;
const DEFAULT_ORDERING_TIMEOUT_MS = 5000;

export interface XdsServerOptions {
  cache: SnapshotCache;
  /** Where the `tidegate_xds_*` metrics are registered (one server per registry); omitted, they are kept private. */
  registry?: Registry;
  /** A proxy's group; default: `node.cluster` if non-empty, else `node.id`. */
  groupOf?: GroupOf;
  /**
   * Longest time (ms) an ADS stream holds listener and route updates while clusters the same
   * snapshot added or changed warm (default 5000). After it they are pushed anyway, with a
   * warning and `tidegate_xds_ordering_timeouts_total`.
   */
  orderingTimeoutMs?: number;
}

/** PEM material of the mutual-TLS xDS port. */
export interface XdsTlsOptions {
  /** The server's certificate chain (PEM). */
  cert: string | Buffer;
  /** The server's private key (PEM). */
  key: string | Buffer;
  /** CA bundle (PEM) that signs the proxies' client certificates; a proxy without one is refused at the handshake. */
  ca: string | Buffer;
}

/** One bound port, as `addresses()` reports it. */
export interface XdsListenAddress {
  host: string;
  port: number;
  /** Mutual TLS: every stream is pinned to its client certificate's proxy group. */
  tls: boolean;
}

/** The default proxy grouping: `node.cluster`, or `node.id` when the cluster is empty. */
export const defaultGroupOf: GroupOf = (node: XdsNode) => node.cluster || node.id;

/**
 * Serves every proxy the snapshot of its group. Each stream diffs against what it sent and
 * pushes only changes, CDS → EDS → SDS → LDS → RDS; on ADS, listeners and routes wait until
 * clusters the change added are warm. A slow stream never delays another.
 */
export class XdsServer {
  /** Plaintext port: streams are served the group their node names. */
  private readonly server: grpc.Server;
  /** Mutual-TLS port, created by `listenTls`: streams are served only their certificate's group. */
  private tlsServer?: grpc.Server;
  private readonly bound: XdsListenAddress[] = [];
  private readonly sessions = new Set<Session>();
  /** Open identified streams per node id (for the connected-proxies gauge). */
  private readonly streamsPerNode = new Map<string, number>();
  private readonly metrics: XdsMetrics;
  private readonly acks = new AckEvents();
  private readonly nacks = new AckEvents();
  private readonly context: SessionContext;
  private nextStreamId = 1;
  private listening = false;
  private closed = false;

  constructor(options: XdsServerOptions) {
    const orderingTimeoutMs = options.orderingTimeoutMs ?? DEFAULT_ORDERING_TIMEOUT_MS;
    if (!Number.isFinite(orderingTimeoutMs) || orderingTimeoutMs < 0) {
      throw new XdsServerError('invalid-options', `orderingTimeoutMs must be a non-negative number, got ${orderingTimeoutMs}`);
    }
    this.metrics = new XdsMetrics(options.registry);
    this.context = {
      cache: options.cache,
      metrics: this.metrics,
      acks: this.acks,
      nacks: this.nacks,
      groupOf: options.groupOf ?? defaultGroupOf,
      orderingTimeoutMs,
      onIdentified: (s) => this.identified(s),
      onClosed: (s) => this.closedSession(s),
    };
    this.server = this.grpcServer(false);
  }

  /** Binds the plaintext port on `host:port` (0 = ephemeral) and resolves with the bound port. */
  listen(host: string, port: number): Promise<number> {
    if (this.listening || this.closed) {
      return Promise.reject(new XdsServerError('already-listening', 'the xDS server listens once'));
    }
    this.listening = true;
    return this.bind(this.server, host, port, grpc.ServerCredentials.createInsecure(), false);
  }

  /**
   * Binds the mutual-TLS port on `host:port` and resolves with the bound port. A client must
   * present a certificate signed by `tls.ca`; its identity (see `identityOfCertificate`) pins
   * the stream to one proxy group, and a node claiming another group is refused with
   * PERMISSION_DENIED. Independent of `listen`: either, both or neither may be used.
   */
  listenTls(host: string, port: number, tls: XdsTlsOptions): Promise<number> {
    if (this.tlsServer || this.closed) {
      return Promise.reject(new XdsServerError('already-listening', 'the xDS server listens on one TLS port'));
    }
    let credentials: grpc.ServerCredentials;
    try {
      // grpc-js reports bad PEM only when binding, as a bare OpenSSL error: check it here.
      createSecureContext({ cert: tls.cert, key: tls.key, ca: tls.ca });
      credentials = grpc.ServerCredentials.createSsl(
        Buffer.from(tls.ca),
        [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }],
        true, // checkClientCertificate: no certificate signed by the CA, no connection
      );
    } catch (err) {
      return Promise.reject(new XdsServerError('invalid-options', `invalid xDS TLS material: ${(err as Error).message}`, { cause: err }));
    }
    const server = (this.tlsServer = this.grpcServer(true));
    return this.bind(server, host, port, credentials, true).catch((err: unknown) => {
      server.forceShutdown();
      this.tlsServer = undefined;
      throw err;
    });
  }

  /** The ports bound so far. */
  addresses(): XdsListenAddress[] {
    return this.bound.map((a) => ({ ...a }));
  }

  /** Stops accepting streams, ends the open ones with OK and waits (bounded) for them to finish. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const servers = [this.server, ...(this.tlsServer ? [this.tlsServer] : [])];
    const drained = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve()))));
    for (const session of [...this.sessions]) session.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), SHUTDOWN_GRACE_MS);
    });
    const late = await Promise.race([drained.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) {
      log.warn('xDS clients did not disconnect in time; forcing shutdown');
      for (const s of servers) s.forceShutdown();
    }
  }

  /** Per connected stream and subscribed type: versions sent and ACKed, and the last NACK. */
  syncStatus(): SyncStatusEntry[] {
    return [...this.sessions].flatMap((s) => s.status());
  }

  /** Proxies with at least one identified stream, by node id. */
  connectedProxies(): ConnectedProxy[] {
    const byNode = new Map<string, ConnectedProxy>();
    for (const s of this.sessions) {
      if (!s.node || s.group === undefined) continue;
      let proxy = byNode.get(s.node.id);
      if (!proxy) byNode.set(s.node.id, (proxy = { nodeId: s.node.id, group: s.group, streams: [] }));
      proxy.streams.push({ streamId: s.id, protocol: s.protocol, types: s.subscribedTypes() });
    }
    return [...byNode.values()];
  }

  /** Number of open streams, identified or not (leak checks). */
  streamCount(): number {
    return this.sessions.size;
  }

  /** Calls `listener` on every ACK; returns the function that removes it. */
  onAck(listener: XdsAckListener): () => void {
    return this.acks.add(listener);
  }

  /** Calls `listener` on every NACK; returns the function that removes it. */
  onNack(listener: XdsAckListener): () => void {
    return this.nacks.add(listener);
  }

  private grpcServer(tls: boolean): grpc.Server {
    const server = new grpc.Server({
      // Notice proxies that vanished without closing their connection.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
    });
    for (const service of XDS_SERVICES) {
      const handlers: grpc.UntypedServiceImplementation = {};
      for (const method of service.methods) {
        const handler: grpc.handleBidiStreamingCall<SotwRequest | DeltaRequest, Buffer> = (call) => this.accept(call, method, tls);
        handlers[method.name] = handler;
      }
      server.addService(serviceDefinition(service), handlers);
    }
    return server;
  }

  private bind(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials, tls: boolean): Promise<number> {
    const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      server.bindAsync(address, credentials, (err, bound) => {
        if (err) {
          reject(new XdsServerError('listen-failed', `cannot listen on ${address}: ${err.message}`, { cause: err }));
          return;
        }
        this.bound.push({ host, port: bound, tls });
        log.info({ address: host, port: bound, tls }, tls ? 'xDS server listening (mutual TLS)' : 'xDS server listening (plaintext)');
        resolve(bound);
      });
    });
  }

  private accept(call: grpc.ServerDuplexStream<SotwRequest | DeltaRequest, Buffer>, method: XdsMethod, tls: boolean): void {
    if (this.closed) {
      call.end();
      return;
    }
    const id = this.nextStreamId++;
    let identity: PeerIdentity | undefined;
    if (tls) {
      identity = this.peerIdentity(call, id);
      if (!identity) return;
    }
    const session: Session =
      method.protocol === 'sotw'
        ? new SotwSession(id, call as grpc.ServerDuplexStream<SotwRequest, Buffer>, this.context, method.typeUrl, identity)
        : new DeltaSession(id, call as grpc.ServerDuplexStream<DeltaRequest, Buffer>, this.context, method.typeUrl, identity);
    this.sessions.add(session);
    session.start();
  }

  /**
   * The identity of a stream on the TLS port, or undefined after ending the call with
   * UNAUTHENTICATED. The handshake already checked the chain; this reads who it names.
   */
  private peerIdentity(call: grpc.ServerDuplexStream<SotwRequest | DeltaRequest, Buffer>, streamId: number): PeerIdentity | undefined {
    const cert = call.getAuthContext().sslPeerCertificate;
    const identity = cert ? identityOfCertificate(cert) : undefined;
    if (identity?.ok) return identity.value;
    const reason = identity ? identity.issues.map((i) => i.message).join('; ') : 'no verified client certificate';
    log.warn({ streamId, peer: call.getPeer(), reason }, 'xDS stream refused: the client certificate names no proxy group');
    // grpc-js turns an 'error' on a server stream into the call's status.
    call.emit('error', Object.assign(new Error(reason), { code: grpc.status.UNAUTHENTICATED, details: `client certificate: ${reason}` }));
    return undefined;
  }

  private identified(session: Session): void {
    const nodeId = session.node!.id;
    this.streamsPerNode.set(nodeId, (this.streamsPerNode.get(nodeId) ?? 0) + 1);
    this.metrics.connectedProxies.set(this.streamsPerNode.size);
  }

  private closedSession(session: Session): void {
    this.sessions.delete(session);
    const nodeId = session.node?.id;
    if (nodeId === undefined) return;
    const n = (this.streamsPerNode.get(nodeId) ?? 1) - 1;
    if (n > 0) this.streamsPerNode.set(nodeId, n);
    else this.streamsPerNode.delete(nodeId);
    this.metrics.connectedProxies.set(this.streamsPerNode.size);
  }
}
