// The package's one error class: every failure to find, start, talk to or stop Envoy.
import { TidegateError } from '@tidegate/common';

export type EnvoyRunnerErrorCode =
  /** No binary via ENVOY_BIN, the cache or PATH, and installing was not allowed or failed. */
  | 'envoy-not-found'
  /** `envoy --version` could not be run or parsed. */
  | 'version-unknown'
  /** The bootstrap could not be read or written. */
  | 'bad-bootstrap'
  /** Envoy exited (or could not be spawned) before it went LIVE. */
  | 'start-failed'
  /** A port Envoy must bind (its admin port) is held by another process. */
  | 'port-in-use'
  /** Envoy kept running but did not go LIVE in time; it was stopped. */
  | 'start-timeout'
  /** `start()` on an instance that is already running or stopped. */
  | 'bad-state'
  /** `stop()` was called while `start()` was still waiting. */
  | 'stopped'
  /** An admin request failed or returned an unexpected status or body. */
  | 'admin-request-failed'
  /** `EnvoyAdmin.waitFor` ran out of time. */
  | 'wait-timeout';

export class EnvoyRunnerError extends TidegateError<EnvoyRunnerErrorCode> {}
