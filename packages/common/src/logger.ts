// Structured logging for every package: JSON when stdout is not a terminal.
import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

let root: Logger = makeLogger(
  (process.env.TIDEGATE_LOG_LEVEL as LogLevel | undefined) ??
    (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
);

function makeLogger(level: LogLevel): Logger {
  const pretty = process.stdout.isTTY && !process.env.TIDEGATE_LOG_JSON;
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(pretty ? { transport: undefined } : {}),
  });
}

/** Replaces the process-wide root logger (the CLI calls this once with --log-level). */
export function configureLogging(level: LogLevel): void {
  root = makeLogger(level);
}

/** A child logger tagged with the component that logs. */
export function getLogger(component: string): Logger {
  return root.child({ component });
}
