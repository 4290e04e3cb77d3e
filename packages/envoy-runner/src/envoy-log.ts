// Feeds Envoy's stdout/stderr lines into a Tidegate logger, keeping Envoy's level and logger name.
import type { Logger } from '@tidegate/common';

/** What EnvoyProcess needs from a logger; a pino Logger (e.g. `getLogger('envoy')`) fits. */
export type EnvoyLogSink = Pick<Logger, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>;

type SinkLevel = keyof EnvoyLogSink;

/** Envoy's log levels, as `-l` takes them. */
export type EnvoyLogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'off';

/** The `--log-format` EnvoyProcess passes: level, Envoy logger name, source location, message. */
export const ENVOY_LOG_FORMAT = '[%l][%n][%s:%#] %v';

const LEVELS: Record<string, SinkLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
};

export interface ParsedEnvoyLine {
  level: SinkLevel;
  /** Envoy's logger name, e.g. `main`, `config`, `upstream`. */
  scope: string;
  /** Source location, e.g. `server.cc:463`. */
  src?: string;
  msg: string;
}

// Our format, then Envoy's default `[time][thread][level][name] [file:line] msg` for bootstraps run by hand.
const OURS = /^\[(trace|debug|info|warning|error|critical)\]\[([^\]]*)\]\[([^\]]*)\] (.*)$/;
const DEFAULT = /^\[[^\]]*\]\[\d+\]\[(trace|debug|info|warning|error|critical)\]\[([^\]]*)\] \[([^\]]*)\] (.*)$/;

/** Parses one line in either format; undefined for anything else (continuations, raw errors). */
export function parseEnvoyLogLine(line: string): ParsedEnvoyLine | undefined {
  const m = OURS.exec(line) ?? DEFAULT.exec(line);
  if (!m) return undefined;
  const src = m[3] && m[3] !== ':' ? m[3] : undefined;
  return { level: LEVELS[m[1]!]!, scope: m[2]!, ...(src ? { src } : {}), msg: m[4]! };
}

/**
 * Writes Envoy's lines to `sink`. A line without Envoy's prefix (a continuation of a multi-line
 * message, or something printed before logging is set up) takes the previous line's level on
 * that stream; on stderr with no previous line it is a warning.
 */
export class EnvoyLogForwarder {
  private readonly lastLevel: Record<'stdout' | 'stderr', SinkLevel> = { stdout: 'info', stderr: 'warn' };

  constructor(
    private readonly sink: EnvoyLogSink,
    private readonly pid: number | undefined,
  ) {}

  line(stream: 'stdout' | 'stderr', text: string): void {
    if (!text.trim()) return;
    const parsed = parseEnvoyLogLine(text);
    if (parsed) {
      this.lastLevel[stream] = parsed.level;
      this.sink[parsed.level]({ pid: this.pid, scope: parsed.scope, ...(parsed.src ? { src: parsed.src } : {}) }, parsed.msg);
    } else {
      this.sink[this.lastLevel[stream]]({ pid: this.pid, stream }, text);
    }
  }
}

/** Splits a byte stream into lines; the last partial line is delivered on `end`. */
export function onLines(stream: NodeJS.ReadableStream, handle: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      handle(buffered.slice(0, nl).replace(/\r$/, ''));
      buffered = buffered.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (buffered) handle(buffered);
    buffered = '';
  });
}
