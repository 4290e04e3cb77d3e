// Delay before restarting a crashed Envoy: doubles per crash, resets once a run lasted long enough.

export interface BackoffOptions {
  /** First delay (default 250 ms). */
  initialMs: number;
  /** Upper bound (default 10 s). */
  maxMs: number;
  /** A run at least this long counts as healthy and resets the delay (default 30 s). */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 10_000, resetAfterMs: 30_000 };

export class RestartBackoff {
  private nextMs: number;
  private attempt = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    this.nextMs = options.initialMs;
  }

  /** The delay before the next start and its attempt number, given how long the run that just ended lasted. */
  next(uptimeMs: number): { delayMs: number; attempt: number } {
    if (uptimeMs >= this.options.resetAfterMs) {
      this.nextMs = this.options.initialMs;
      this.attempt = 0;
    }
    const delayMs = this.nextMs;
    this.nextMs = Math.min(this.options.maxMs, this.nextMs * 2);
    return { delayMs, attempt: ++this.attempt };
  }
}
