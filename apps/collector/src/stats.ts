import { sqlState, UnavailableError } from '@pgvigil/db';
import type { ProbeResult } from '@pgvigil/probes';

/** Counters for the heartbeat: probe outcomes, schedule lateness, datastore errors. */
export class CollectorStats {
  private runs = 0;
  private failed = 0;
  private unavailable = 0;
  private samplesWritten = 0;
  private lateness: number[] = [];
  private startLateness: number[] = [];
  private lastDatastoreError: string | null = null;
  private lastDatastoreErrorCode: string | null = null;
  private lastDatastoreErrorAt: Date | null = null;
  private lastFailure: string | null = null;

  record(result: ProbeResult, latenessMs: number, first = false, database?: string): void {
    this.runs += 1;
    if (result.status === 'failed') {
      this.failed += 1;
      this.lastFailure = `${result.probe}${database ? ` in ${database}` : ''}: ${result.reason}`;
    }
    if (result.status === 'unavailable') this.unavailable += 1;
    // A first run starts inside a deliberate spread after start-up; steady state is what
    // says whether the collector keeps up.
    (first ? this.startLateness : this.lateness).push(latenessMs);
    if (this.lateness.length > 5000) this.lateness = this.lateness.slice(-2500);
    if (this.startLateness.length > 5000) this.startLateness = this.startLateness.slice(-2500);
  }

  written(samples: number): void {
    this.samplesWritten += samples;
    this.datastoreOk();
  }

  datastoreOk(): void {
    this.lastDatastoreError = null;
    this.lastDatastoreErrorCode = null;
    this.lastDatastoreErrorAt = null;
  }

  /** The SQLSTATE says what kind (53100: disk full); the first error of a run says since when. */
  datastoreError(err: unknown, at = new Date()): void {
    this.lastDatastoreError = err instanceof Error ? err.message : String(err);
    this.lastDatastoreErrorCode =
      err instanceof UnavailableError ? 'unreachable' : (sqlState(err) ?? null);
    this.lastDatastoreErrorAt ??= at;
  }

  /** p99 of how late probes started against their schedule, over recent runs after the first. */
  latenessP99(values = this.lateness): number {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  }

  summary(): Record<string, unknown> {
    return {
      probeRuns: this.runs,
      probeFailures: this.failed,
      probesUnavailable: this.unavailable,
      samplesWritten: this.samplesWritten,
      scheduleLatenessP99Ms: Math.round(this.latenessP99()),
      firstRunLatenessP99Ms: Math.round(this.latenessP99(this.startLateness)),
      lastProbeFailure: this.lastFailure,
      lastDatastoreError: this.lastDatastoreError,
      lastDatastoreErrorCode: this.lastDatastoreErrorCode,
      datastoreErrorSince: this.lastDatastoreErrorAt?.toISOString() ?? null,
    };
  }
}
