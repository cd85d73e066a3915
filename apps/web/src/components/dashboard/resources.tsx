import { type CpuStatement, type StatementResources, type WaitTime } from '@pgvigil/db/dashboard';
import { formatValue } from '@pgvigil/schema';
import { Facts } from './facts';
import { formatNumber } from './format';
import { StatementCell } from './top-queries';

const ms = (v: number | null) => formatValue(v, 'ms');
const bytes = (v: number) => formatValue(v, 'bytes');
const share = (part: number, whole: number) =>
  whole > 0 ? formatValue(Math.min(100, (100 * part) / whole), 'percent') : '—';

/** Wait events, most time first, each with its share of the listed time. */
export function WaitTable({ waits, label }: { waits: readonly WaitTime[]; label: string }) {
  const total = waits.reduce((sum, w) => sum + w.waitMs, 0);
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th>Event type</th>
            <th>Event</th>
            <th className="num">Time</th>
            <th className="num">Share</th>
            <th className="num">Samples</th>
          </tr>
        </thead>
        <tbody>
          {waits.map((w) => (
            <tr key={`${w.eventType}/${w.event}`}>
              <td>{w.eventType}</td>
              <td>{w.event}</td>
              <td className="num">{ms(w.waitMs)}</td>
              <td className="num">{share(w.waitMs, total)}</td>
              <td className="num">{formatNumber(w.samples)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A statement's CPU against its execution time (pg_stat_kcache), the kernel's real I/O, and
 * what it waited on (pg_wait_sampling), over the page's window. Absent extensions say so.
 */
export function StatementResourcesFacts({
  resources,
  execTimeMs,
}: {
  resources: StatementResources;
  execTimeMs: number;
}) {
  const k = resources.kernel;
  const cpu = k ? k.userTimeMs + k.systemTimeMs : 0;
  return (
    <>
      {k ? (
        <Facts
          facts={[
            ['CPU (user + system)', `${ms(cpu)} · ${share(cpu, execTimeMs)} of execution time`],
            [
              'Off CPU (I/O, locks, waits)',
              `${ms(Math.max(0, execTimeMs - cpu))} · ${share(Math.max(0, execTimeMs - cpu), execTimeMs)}`,
            ],
            ['CPU user / system', `${ms(k.userTimeMs)} / ${ms(k.systemTimeMs)}`],
            ['Read / written from storage', `${bytes(k.readBytes)} / ${bytes(k.writeBytes)}`],
            [
              'Page faults minor / major',
              `${formatNumber(k.minorFaults)} / ${formatNumber(k.majorFaults)}`,
            ],
            [
              'Context switches voluntary / involuntary',
              `${formatNumber(k.voluntarySwitches)} / ${formatNumber(k.involuntarySwitches)}`,
            ],
          ]}
        />
      ) : (
        <p className="muted">
          No CPU figures in this window: they come from the pg_stat_kcache extension
          (docs/probes.md, statements_kcache).
        </p>
      )}
      <h3>What it waited on</h3>
      {resources.waits.length ? (
        <WaitTable waits={resources.waits} label="Waits of this statement" />
      ) : (
        <p className="muted">
          No wait samples in this window: they come from the pg_wait_sampling extension
          (docs/probes.md, statement_waits).
        </p>
      )}
    </>
  );
}

/** The server's statements with the most CPU in the window (pg_stat_kcache), linked to their pages. */
export function CpuStatementsTable({
  statements,
  queryHref,
}: {
  statements: readonly CpuStatement[];
  queryHref: (queryid: string) => string;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Statements by CPU">
        <thead>
          <tr>
            <th>Query</th>
            <th className="num">CPU</th>
            <th className="num">Read from storage</th>
            <th className="num">Written to storage</th>
          </tr>
        </thead>
        <tbody>
          {statements.map((q) => (
            <tr key={q.queryid}>
              <StatementCell queryid={q.queryid} query={q.query} href={queryHref(q.queryid)} />
              <td className="num">{ms(q.cpuTimeMs)}</td>
              <td className="num">{bytes(q.readBytes)}</td>
              <td className="num">{bytes(q.writeBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
