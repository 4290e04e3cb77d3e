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
    // Humans at a terminal get readable lines; everything else (files, pipes, log shippers) gets JSON.
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  });
}

const children = new Map<string, Logger>();

/** Replaces the process-wide root logger (the CLI calls this once with --log-level). */
export function configureLogging(level: LogLevel): void {
  root = makeLogger(level);
  children.clear();
}

/**
 * A logger tagged with the component that logs. Modules take theirs at load time, before
 * the CLI has read --log-level, so the returned logger always writes through the current
 * root rather than the one that existed when it was created.
 */
export function getLogger(component: string): Logger {
  const current = (): Logger => {
    let child = children.get(component);
    if (!child) children.set(component, (child = root.child({ component })));
    return child;
  };
  return new Proxy({} as Logger, {
    get(_target, prop) {
      const logger = current();
      const value = Reflect.get(logger, prop, logger) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
    },
  });
}
