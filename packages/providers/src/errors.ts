// The providers package's error class, for system errors (a user's mistake is a ProviderError in the snapshot).
import { TidegateError } from '@tidegate/common';

export type ProvidersErrorCode =
  | 'config-dir-unreadable'
  | 'config-dir-not-a-directory'
  // Kubernetes: no usable kubeconfig, or the API server answered with an error.
  | 'kube-config-invalid'
  | 'kube-api'
  // Nacos: the server cannot be reached, answered an HTTP error, refused the credentials, or sent something unreadable.
  | 'nacos-unreachable'
  | 'nacos-http-status'
  | 'nacos-auth-failed'
  | 'nacos-bad-response';

/** A provider cannot run at all, e.g. its configuration directory does not exist. */
export class ProvidersError extends TidegateError<ProvidersErrorCode> {}
