// Structured logging for every package: JSON when stdout is not a terminal.
import pino from 'pino';
import { redactSecrets, redactText } from './redact';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

let root: Logger = makeLogger(
  (process.env.TIDEGATE_LOG_LEVEL as LogLevel | undefined) ??
    (process.env.JEST_WORKER_ID ? 'silent' : 'info'),
);

function makeLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const pretty = !destination && process.stdout.isTTY && !process.env.TIDEGATE_LOG_JSON;
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // No log line carries a secret, whatever object or message it was given.
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map(redactArg) as Parameters<typeof method>);
      },
    },
    // Humans at a terminal get readable lines; everything else (files, pipes, log shippers) gets JSON.
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

function redactArg(arg: unknown, i: number): unknown {
  if (typeof arg === 'string') return redactText(arg);
  // pino logs a leading Error under `err`; once redacted it is a plain object, so put it there.
  if (i === 0 && arg instanceof Error) return { err: redactSecrets(arg) };
  return redactSecrets(arg);
}

const children = new Map<string, Logger>();

/** Replaces the process-wide root logger (the CLI calls this once with --log-level); `destination` instead of stdout. */
export function configureLogging(level: LogLevel, destination?: NodeJS.WritableStream): void {
  root = makeLogger(level, destination);
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
