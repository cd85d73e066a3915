'use client';

import type { Cluster, Server } from '@pgvigil/db/registry';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox } from './field';
import { ServerForm } from './server-form';

/** The registry page: list, add (URL or fields), test, edit keeping secrets, delete with confirmation. */
export function ServersAdmin({ servers, clusters }: { servers: Server[]; clusters: Cluster[] }) {
  const router = useRouter();
  const [editing, setEditing] = useState<Server | 'new' | null>(
    servers.length === 0 ? 'new' : null,
  );
  const [error, setError] = useState<ApiError | null>(null);
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
    const result = await api<{ serversCreated: number; serversUpdated: number }>(
      'POST',
      '/servers/import',
      doc,
    );
    if (!result.ok) return setError(result.error);
    setError(null);
    setNotice(
      `Imported: ${result.data.serversCreated} server(s) created, ${result.data.serversUpdated} updated.`,
    );
    router.refresh();
  }

  async function remove(server: Server) {
    if (
      !window.confirm(
        `Delete ${server.name}? Its alerts and all its collected metrics are deleted too.`,
      )
    )
      return;
    const result = await api('DELETE', `/servers/${server.id}`);
    if (!result.ok) return setError(result.error);
    router.refresh();
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
      {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
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
          onDone={done}
        />
      ) : null}
      <div className={styles.panel}>
        {servers.length === 0 ? (
          <p className={styles.hint}>No servers yet. Add the first one above.</p>
        ) : (
          <table className={styles.table} aria-label="Servers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Cluster</th>
                <th>Environment</th>
                <th>Connection</th>
                <th>SSL</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {servers.map((s) => (
                <tr key={s.id}>
                  <td>
                    <strong>{s.name}</strong>
                    {s.enabled ? null : <span className={styles.hint}> (paused)</span>}
                    {s.description ? <div className={styles.hint}>{s.description}</div> : null}
                  </td>
                  <td>{s.clusterName ?? '—'}</td>
                  <td>{s.environment}</td>
                  <td>
                    {s.username}@{s.host}:{s.port}/{s.dbname}
                  </td>
                  <td>{s.sslmode}</td>
                  <td className={styles.row}>
                    <button
                      type="button"
                      className={styles.secondary}
                      onClick={() => setEditing(s)}
                    >
                      Edit
                    </button>
                    <button type="button" className={styles.danger} onClick={() => remove(s)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
