// kube-controller-manager with only the controllers the suite relies on: Deployments, ReplicaSets, EndpointSlices, namespace deletion.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * Deployment and ReplicaSet make the backends' Pods; EndpointSlice follows their readiness;
 * namespace deletion (the suite deletes its namespaces) and garbage collection (owner
 * references) clean up; ServiceAccount makes each namespace's `default`. Node lifecycle and
 * pod GC stay off: the one Node has no kubelet heartbeat.
 */
const CONTROLLERS = [
  'namespace-controller',
  'deployment-controller',
  'replicaset-controller',
  'endpointslice-controller',
  'garbage-collector-controller',
  'serviceaccount-controller',
];

export interface ControllerManager {
  pid: number | undefined;
  stop(): Promise<void>;
}

export function startControllerManager(binary: string, kubeconfig: string, logFile: string): ControllerManager {
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    binary,
    [
      `--kubeconfig=${kubeconfig}`,
      `--controllers=${CONTROLLERS.join(',')}`,
      '--leader-elect=false',
      // No serving endpoint (healthz/metrics) is needed.
      '--secure-port=0',
      // Publish endpoints quickly: the suite waits for them.
      '--endpointslice-updates-batch-period=0s',
      '--v=1',
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  return {
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
