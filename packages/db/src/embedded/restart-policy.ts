/**
 * What the keeper does when the embedded datastore exits or will not start again:
 * pure decisions over the server's own start-up log, tested line by line.
 */

/**
 * damaged: the data folder cannot be used as it is (retrying cannot help);
 * busy: a previous postmaster's processes or port are still going away;
 * disk_full: no space (clears when space returns);
 * other: anything else.
 */
export type StartFailureKind = 'damaged' | 'busy' | 'disk_full' | 'other';

export interface StartFailure {
  kind: StartFailureKind;
  /** the server's line that says so, if any */
  line: string | null;
}

// A start-up failure exists only as the server's log (no SQLSTATE reaches us), so it
// is read as text; the server runs with LC_ALL=C, which keeps these messages English.
const PATTERNS: [StartFailureKind, RegExp][] = [
  ['disk_full', /No space left on device/],
  [
    'damaged',
    /(FATAL|PANIC):.*(could not locate a valid checkpoint record|invalid (primary |secondary )?checkpoint record|incorrect checksum in control file|could not (open|read) file "global\/pg_control"|database files are incompatible with server|is not a valid data directory|WAL contains references to invalid pages|invalid page in block|could not read block)/,
  ],
  [
    'busy',
    /pre-existing shared memory block|Address already in use|could not create (any TCP\/IP sockets|listen socket)|lock file ".*" already exists|could not create shared memory segment/,
  ],
];

/** Classifies a failed start by the most telling line of its log. */
export function classifyStartFailure(log: string): StartFailure {
  const lines = log.split('\n').filter((l) => l.trim());
  for (const [kind, pattern] of PATTERNS) {
    const line = lines.find((l) => pattern.test(l));
    if (line) return { kind, line: line.trim() };
  }
  const fatal = lines.find((l) => /\b(FATAL|PANIC):/.test(l)) ?? lines.at(-1) ?? null;
  return { kind: 'other', line: fatal?.trim() ?? null };
}

export interface RestartPolicy {
  /** the wait before the first restart; doubled for each failed one */
  firstDelayMs: number;
  maxDelayMs: number;
  /** failed starts in a row (busy and disk_full excepted) before giving up */
  maxAttempts: number;
  /** a server up this long is healthy again: the attempt count starts over */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: 10,
  stableAfterMs: 60_000,
};

/** The wait before restart number `attempt` (1-based): 1 s, 2 s, 4 s ... capped. */
export function restartDelayMs(attempt: number, policy: RestartPolicy): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

export type RestartDecision =
  { action: 'retry'; delayMs: number; counted: boolean } | { action: 'give_up'; advice: string };

/**
 * After a failed start, before restart number `attempt`: retry with backoff, or give up. A damaged data folder gives
 * up at once; a busy port or a full disk clear by themselves and are retried for as
 * long as they last; anything else is retried `maxAttempts` times.
 */
export function decideAfterFailure(
  failure: StartFailure,
  counted: number,
  attempt: number,
  policy: RestartPolicy,
): RestartDecision {
  switch (failure.kind) {
    case 'damaged':
      return {
        action: 'give_up',
        advice:
          "The datastore's data folder is damaged and PostgreSQL cannot recover it by itself. " +
          'Stop pgvigil, move that folder aside (keep it), restore the latest backup into its ' +
          'place and start pgvigil again (docs/operations.md, "Back up and restore").',
      };
    case 'busy':
    case 'disk_full':
      return { action: 'retry', delayMs: restartDelayMs(attempt, policy), counted: false };
    case 'other':
      if (counted + 1 >= policy.maxAttempts) {
        return {
          action: 'give_up',
          advice:
            `PostgreSQL failed to start ${policy.maxAttempts} times in a row; the last reason is above. ` +
            `Fix it (the server log lines above say what it met), then start pgvigil again.`,
        };
      }
      return { action: 'retry', delayMs: restartDelayMs(attempt, policy), counted: true };
  }
}
