// The Gateway API translator: resources in, one ProxyGroup per Gateway plus statuses and errors out.
import type { SourcedObject } from '@tidegate/common';
import { getLogger, compareStrings } from '@tidegate/common';
import type { ProxyGroup } from '@tidegate/ir';
import {
  checkedProxyGroup,
  reportLeftOut,
  BackendPolicies,
  BackendPolicyKind,
  EndpointSliceKind,
  ErrorSink,
  NamespaceKind,
  ResourceIndex,
  SecretKind,
  ServiceBackends,
  ServiceKind,
  type KindSchema,
  type Problem,
} from '../resources';
import { ClientTrafficPolicyKind, applyClientTrafficPolicies } from './client-traffic-policy';
import type { Context } from './context';
import { SecurityPolicies, SecurityPolicyKind } from './security-policy';
import { buildGateways, rejectWithoutListeners } from './gateway';
import { markSocketConflicts } from './socket-claims';
import { GatewayClassKind, translateGatewayClasses } from './gateway-class';
import { GatewayKind } from './gateway-schema';
import { gatewayStatus } from './gateway-status';
import { GrpcTargetKind, translateGrpcTargets } from './grpc-target';
import { translateHttpRoutes } from './http-routes';
import { HTTPRouteFilterKind } from './http-route-filter';
import { HTTPRouteKind } from './http-route-schema';
import { GRPCRouteKind } from './grpc-route-schema';
import { BackendTLSPolicyKind, BackendTlsPolicies } from './backend-tls-policy';
import { ConfigMapKind } from './config-map';
import { translateL4Routes } from './l4-routes';
import { ReferenceGrantKind } from './reference-grant';
import { TCPRouteKind } from './tcp-route';
import { TLSRouteKind } from './tls-route';
import type { TranslateOptions, TranslationResult } from './types';

const log = getLogger('gateway-api');

/** Every kind this translator reads; objects of other kinds are left to other translators. */
export const GATEWAY_API_KINDS: ReadonlyArray<KindSchema<unknown>> = [
  GatewayClassKind,
  GatewayKind,
  HTTPRouteKind,
  GRPCRouteKind,
  TCPRouteKind,
  TLSRouteKind,
  ReferenceGrantKind,
  BackendTLSPolicyKind,
  ServiceKind,
  EndpointSliceKind,
  SecretKind,
  ConfigMapKind,
  NamespaceKind,
  BackendPolicyKind,
  ClientTrafficPolicyKind,
  SecurityPolicyKind,
  HTTPRouteFilterKind,
  GrpcTargetKind,
];

/**
 * Translates Gateway API resources (and Tidegate's own policy kinds) into IR.
 * Pure: the same objects always give the same result. A mistake in one object
 * becomes an error and a status condition on it; everything else still translates.
 */
export function translateGatewayApi(objects: readonly SourcedObject[], options: TranslateOptions): TranslationResult {
  options.cache?.begin(objects, options);
  const sink = new ErrorSink();
  const index = new ResourceIndex(objects, GATEWAY_API_KINDS, sink);
  const policies = new BackendPolicies(index, sink);
  const ctx: Context = {
    index,
    sink,
    options,
    services: new ServiceBackends(index, policies),
    backendTls: new BackendTlsPolicies(index, sink),
    gateways: new Map(),
  };

  const classes = translateGatewayClasses(index, options.controllerName);
  ctx.gateways = buildGateways(ctx, classes.ours);
  // Before routes attach: a listener another proxy group on this host already binds takes no routes.
  const socketConflicts = options.sharedHost ? markSocketConflicts(ctx.gateways.values(), options.claimedSockets ?? []) : [];
  for (const m of socketConflicts) {
    sink.add(m.gateway.res, `spec.listeners[${m.index}].port`, 'listener-conflict', m.message);
    rejectWithoutListeners(m.gateway);
  }
  const security = new SecurityPolicies(ctx);
  const statuses = [
    ...classes.statuses,
    ...applyClientTrafficPolicies(ctx),
    ...translateHttpRoutes(ctx, security),
    ...security.statuses(),
    ...translateL4Routes(ctx, TCPRouteKind, false),
    ...translateL4Routes(ctx, TLSRouteKind, true),
    ...translateGrpcTargets(ctx),
    ...policies.statuses(),
    ...ctx.backendTls.statuses(ctx.gateways.values(), options.controllerName),
  ];

  const proxyGroups: ProxyGroup[] = [];
  for (const gw of ctx.gateways.values()) {
    let notProgrammed: Problem | undefined;
    if (!gw.notAccepted) {
      // What fails the IR checks is left out, on the object it came from; the Gateway serves the rest.
      const checked = checkedProxyGroup(gw.builder.build(gw.listeners));
      if (checked.ok) {
        proxyGroups.push(checked.group);
        reportLeftOut(sink, checked.leftOut, gw.res);
      } else {
        // No part to blame (a translator bug): the Gateway is kept out rather than handed on broken.
        log.error({ gateway: gw.key, issues: checked.issues }, 'translated ProxyGroup failed IR validation');
        for (const issue of checked.issues) sink.add(gw.res, '', 'internal-error', `${issue.path}: ${issue.message}`);
        notProgrammed = { reason: 'Invalid', message: 'internal error: generated configuration is invalid' };
      }
    }
    statuses.push(gatewayStatus(gw, notProgrammed));
  }
  statuses.sort((a, b) => compareStrings(`${a.kind}/${a.namespace ?? ''}/${a.name}`, `${b.kind}/${b.namespace ?? ''}/${b.name}`));
  return { proxyGroups, statuses, errors: sink.sorted() };
}

