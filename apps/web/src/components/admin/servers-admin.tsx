'use client';

import type { Cluster, Server } from '@/contract';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import styles from './admin.module.css';
import { DataTable, RowActions, RowButton } from './data-table';
import { ApiErrorBanner } from './field';
import { ServerForm } from './server-form';
import { useApiMutation } from './use-api-mutation';

/** The registry page: list, add (URL or fields), test, edit keeping secrets, delete with confirmation. */
export function ServersAdmin({ servers, clusters }: { servers: Server[]; clusters: Cluster[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<Server | 'new' | null>(
    servers.length === 0 ? 'new' : null,
  );
  const { error, setError, mutate, remove } = useApiMutation();
  const [notice, setNotice] = useState<string | null>(null);

  const done = () => {
    setEditing(null);
    router.refresh();
  };

  async function importFile(file: File | undefined) {
    if (!file) return;
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      return setError({ code: 'validation_failed', message: `${file.name} is not JSON` });
    }
    const result = await mutate<{ serversCreated: number; serversUpdated: number }>(
      'POST',
      '/servers/import',
      doc,
    );
    if (!result?.ok) return;
    setNotice(
      `Imported: ${result.data.serversCreated} server(s) created, ${result.data.serversUpdated} updated.`,
    );
  }

  return (
    <div className={styles.page}>
      <div className={styles.row}>
        <h1 style={{ flex: 1 }}>Servers</h1>
        <label className={styles.secondary}>
          Import JSON
          <input
            type="file"
            accept="application/json,.json"
            hidden
            onChange={(e) => void importFile(e.target.files?.[0])}
          />
        </label>
        <a className={styles.secondary} href="/api/v1/servers/export" download>
          Export JSON
        </a>
        <button type="button" className={styles.button} onClick={() => setEditing('new')}>
          Add server
        </button>
      </div>
      <ApiErrorBanner error={error} />
      {notice ? (
        <div className={styles.success} role="status">
          {notice}
        </div>
      ) : null}
      {editing ? (
        <ServerForm
          key={editing === 'new' ? 'new' : editing.id}
          server={editing === 'new' ? null : editing}
          clusters={clusters}
          servers={servers}
          onDone={done}
        />
      ) : null}
      <DataTable
        label="Servers"
        headings={['Name', 'Cluster', 'Environment', 'Connection', 'SSL', '']}
        empty="No servers yet. Add the first one above."
      >
        {servers.map((s) => (
          <tr key={s.id}>
            <td>
              <Link href={`/servers/${s.id}`} title="Open its dashboard">
                <strong>{s.name}</strong>
              </Link>
              {s.enabled ? null : <span className={styles.hint}> (paused)</span>}
              {s.description ? <div className={styles.hint}>{s.description}</div> : null}
            </td>
            <td>{s.clusterName ?? '—'}</td>
            <td>
              {s.environment}
              {s.kind === 'pgbouncer' ? <div className={styles.hint}>pooler</div> : null}
            </td>
            <td>
              {s.username}@{s.host}:{s.port}/{s.dbname}
              {s.ssh ? ` via ssh ${s.ssh.username}@${s.ssh.host}:${s.ssh.port}` : ''}
            </td>
            <td>{s.sslmode}</td>
            <RowActions>
              <RowButton onClick={() => setEditing(s)}>Edit</RowButton>
              <RowButton
                kind="danger"
                onClick={() =>
                  remove(
                    `/servers/${s.id}`,
                    `Delete ${s.name}? Its alerts and all its collected metrics are deleted too.`,
                  )
                }
              >
                Delete
              </RowButton>
            </RowActions>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
