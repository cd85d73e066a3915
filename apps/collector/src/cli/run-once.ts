import {
  connectionSettingsSchema,
  connectTarget,
  loadProbeContext,
  parseConnectionString,
  PROBES,
  runProbe,
  type ConnectionFailure,
  type ProbeDefinition,
} from '@pgvigil/probes';

export interface ProbeReport {
  probe: string;
  scope: ProbeDefinition['scope'];
  status: 'ok' | 'unavailable' | 'failed';
  rows: number;
  ms: number;
  reason?: string;
  /** what an ok probe left out and why (objects skipped under DDL, not readable by the role) */
  notes?: string[];
}

export type RunOnceResult =
  | { ok: true; serverVersion: string; database: string; reports: ProbeReport[] }
  | { ok: false; failure: ConnectionFailure };

/**
 * Runs every probe once against one server: instance probes and the database
 * probes of the database in the connection string. Nothing is stored.
 */
export async function runOnce(
  conninfo: string,
  probes: readonly ProbeDefinition[] = PROBES,
): Promise<RunOnceResult> {
  const settings = connectionSettingsSchema.parse(parseConnectionString(conninfo));
  const connected = await connectTarget(settings, { applicationName: 'pgvigil' });
  if (!connected.ok) return { ok: false, failure: connected.failure };
  const { client, serverVersion, serverVersionNum } = connected.connection;
  try {
    const ctx = await loadProbeContext(client, serverVersionNum);
    const reports: ProbeReport[] = [];
    for (const probe of probes) {
      const r = await runProbe(client, probe, ctx);
      reports.push({
        probe: probe.name,
        scope: probe.scope,
        status: r.status,
        rows: r.status === 'ok' ? r.rows.length : 0,
        ms: r.ms,
        ...(r.status === 'ok' ? (r.notes ? { notes: r.notes } : {}) : { reason: r.reason }),
      });
    }
    return { ok: true, serverVersion, database: ctx.database, reports };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function formatTable(result: Extract<RunOnceResult, { ok: true }>): string {
  const width = Math.max(...result.reports.map((r) => r.probe.length));
  const lines = result.reports.map((r) => {
    const outcome =
      r.status === 'ok' ? `${String(r.rows).padStart(6)} rows` : `${r.status}: ${r.reason ?? ''}`;
    const notes = (r.notes ?? []).map((n) => `\n${' '.repeat(width + 14)}note: ${n}`).join('');
    return `${r.probe.padEnd(width)}  ${r.ms.toFixed(1).padStart(8)} ms  ${outcome}${notes}`;
  });
  const ok = result.reports.filter((r) => r.status === 'ok').length;
  const failed = result.reports.filter((r) => r.status === 'failed').length;
  return [
    `PostgreSQL ${result.serverVersion}, database ${result.database}`,
    ...lines,
    `${result.reports.length} probes: ${ok} ok, ${result.reports.length - ok - failed} unavailable, ${failed} failed`,
  ].join('\n');
}
