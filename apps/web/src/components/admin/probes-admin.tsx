'use client';

import type { ProbeSettingScope } from '@pgvigil/schema';
import type { ProbeSetting } from '@/contract';
import { useRouter } from 'next/navigation';
import styles from './admin.module.css';
import { DataTable } from './data-table';
import { ApiErrorBanner } from './field';
import { ProbeRow } from './probes-row';
import { useApiMutation } from './use-api-mutation';

export type ProbeTarget = { scope: ProbeSettingScope; scopeId: number | null };

const keyOf = (t: ProbeTarget) => (t.scopeId === null ? t.scope : `${t.scope}:${t.scopeId}`);

/** Probe settings at one scope: what each probe does there and which level decided it. */
export function ProbesAdmin({
  target,
  clusters,
  servers,
  probes,
}: {
  target: ProbeTarget;
  clusters: { id: number; name: string }[];
  servers: { id: number; name: string; clusterName: string | null }[];
  probes: ProbeSetting[];
}) {
  const router = useRouter();
  const mutation = useApiMutation();

  function choose(key: string) {
    const [scope, id] = key.split(':');
    router.push(id ? `/admin/probes?${scope}Id=${id}` : '/admin/probes');
  }

  return (
    <div className={styles.page}>
      <h1>Probes</h1>
      <p className={styles.hint}>
        Each probe runs at its default interval unless a setting overrides it: a server&apos;s own
        setting wins over its cluster&apos;s, which wins over the global one. Retention is global
        only: a probe keeps one table for every server. The collector applies a change within about
        5 seconds.
      </p>
      <div className={styles.panel}>
        <label className={styles.field}>
          <span>Settings for</span>
          <select aria-label="Scope" value={keyOf(target)} onChange={(e) => choose(e.target.value)}>
            <option value="global">Global (every server)</option>
            {clusters.length > 0 ? (
              <optgroup label="Clusters">
                {clusters.map((c) => (
                  <option key={c.id} value={`cluster:${c.id}`}>
                    Cluster {c.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {servers.length > 0 ? (
              <optgroup label="Servers">
                {servers.map((s) => (
                  <option key={s.id} value={`server:${s.id}`}>
                    Server {s.name}
                    {s.clusterName ? ` (${s.clusterName})` : ''}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
      </div>
      <ApiErrorBanner error={mutation.error} />
      <DataTable
        label="Probes"
        headings={['Probe', 'Runs per', 'Enabled', 'Interval', 'Retention', '']}
      >
        {probes.map((p) => (
          <ProbeRow key={p.probe} probe={p} target={target} mutation={mutation} />
        ))}
      </DataTable>
    </div>
  );
}
