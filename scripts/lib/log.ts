// Where the platform's log lines go, and in which form. Every line of `npm start`
// passes through here: the supervisor's own and each app's (their stdout and stderr,
// read line by line by the supervisor). PGVIGIL_LOG_FORMAT=json writes one JSON object
// a line ({time, level, app, msg, fields}); PGVIGIL_LOG_FILE appends to a file instead
// of stdout, and reopen() (SIGHUP) opens it again after a log rotation moved it.
import { closeSync, openSync, writeSync } from 'node:fs';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'info' | 'warn' | 'error';

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';

let format: LogFormat = 'text';
let file: string | undefined;
let fd: number | null = null;

/** Set once at start from the environment (PGVIGIL_LOG_FORMAT, PGVIGIL_LOG_FILE). */
export function configureLog(options: { format?: LogFormat; file?: string | undefined }): void {
  format = options.format ?? 'text';
  if (fd !== null) closeSync(fd);
  fd = null;
  file = options.file;
  if (file) fd = openSync(file, 'a', 0o640);
}

/** Opens the log file again by name (after logrotate moved it away); stdout: nothing to do. */
export function reopenLog(): void {
  if (!file) return;
  const next = openSync(file, 'a', 0o640);
  const previous = fd;
  fd = next;
  if (previous !== null) closeSync(previous);
}

function write(text: string) {
  if (fd === null) process.stdout.write(text);
  else writeSync(fd, text);
}

/**
 * One line from `app`. An app line that is already a JSON object keeps its own fields
 * (an app may log structured); any other line becomes `msg`.
 */
export function formatLine(
  app: string,
  level: LogLevel,
  line: string,
  at = new Date(),
): Record<string, unknown> {
  if (line.startsWith('{')) {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed && typeof parsed === 'object' && typeof parsed.msg === 'string')
        return {
          time: typeof parsed.time === 'string' ? parsed.time : at.toISOString(),
          level: typeof parsed.level === 'string' ? parsed.level : level,
          app,
          msg: parsed.msg,
          fields: typeof parsed.fields === 'object' && parsed.fields ? parsed.fields : {},
        };
    } catch {
      // not JSON after all: a plain line
    }
  }
  return { time: at.toISOString(), level, app, msg: line, fields: {} };
}

/** A logger for one app: `[name] line` (coloured on a terminal), or a JSON object a line. */
export function prefixer(name: string, index: number, color: boolean) {
  return (line: string, level: LogLevel = 'info') => {
    if (format === 'json') return write(`${JSON.stringify(formatLine(name, level, line))}\n`);
    // colour only on a terminal, never into a file
    const tag = color && !file ? `${COLORS[index % COLORS.length]}[${name}]${RESET}` : `[${name}]`;
    write(`${tag} ${line}\n`);
  };
}

/**
 * SIGHUP: a service (stdout not a terminal, or a log file) reopens its log file, what
 * logrotate and `systemctl reload` send; a terminal that hung up still stops pgvigil.
 * Returns the removal of the handler.
 */
export function onSighup(options: {
  terminal: boolean;
  stop: () => void;
  log: (line: string) => void;
}): () => void {
  const handler = () => {
    if (!file && options.terminal) return options.stop();
    reopenLog();
    options.log(file ? `SIGHUP: reopened ${file}` : 'SIGHUP: logging to stdout, nothing to reopen');
  };
  process.on('SIGHUP', handler);
  return () => process.off('SIGHUP', handler);
}
