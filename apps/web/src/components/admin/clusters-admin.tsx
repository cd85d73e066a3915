'use client';

import { ENVIRONMENTS } from '@pgvigil/db/domain';
import type { Cluster } from '@pgvigil/db/registry';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { api, type ApiError } from './api';
import { ErrorBox, Field } from './field';

export function ClustersAdmin({ clusters }: { clusters: Cluster[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<string>('production');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    const result = await api('POST', '/clusters', { name, environment, description });
    if (!result.ok) return setError(result.error);
    setError(null);
    setName('');
    setDescription('');
    router.refresh();
  }

  async function rename(c: Cluster) {
    const next = window.prompt('New name', c.name);
    if (!next || next === c.name) return;
    const result = await api('PATCH', `/clusters/${c.id}`, { name: next });
    if (!result.ok) return setError(result.error);
    router.refresh();
  }

  async function remove(c: Cluster) {
    if (
      !window.confirm(`Delete cluster ${c.name}? Its ${c.serverCount} server(s) stay, ungrouped.`)
    )
      return;
    const result = await api('DELETE', `/clusters/${c.id}`);
    if (!result.ok) return setError(result.error);
    router.refresh();
  }

  return (
    <div className={styles.page}>
      <h1>Clusters</h1>
      <p className={styles.hint}>
        A cluster groups servers: a primary and its standbys, or any set you choose. Move servers
        between clusters from the server form.
      </p>
      <form
        className={`${styles.panel} ${styles.form}`}
        onSubmit={create}
        aria-label="Add a cluster"
      >
        <div className={styles.grid2}>
          <Field label="Name" error={error?.fields?.name}>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field label="Environment">
            <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
              {ENVIRONMENTS.map((e) => (
                <option key={e}>{e}</option>
              ))}
            </select>
          </Field>
          <Field label="Description">
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
        </div>
        {error ? <ErrorBox message={error.message} hint={error.hint} /> : null}
        <div>
          <button className={styles.button} type="submit">
            Add cluster
          </button>
        </div>
      </form>
      <div className={styles.panel}>
        <table className={styles.table} aria-label="Clusters">
          <thead>
            <tr>
              <th>Name</th>
              <th>Environment</th>
              <th>Servers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => (
              <tr key={c.id}>
                <td>
                  <strong>{c.name}</strong>
                  {c.description ? <div className={styles.hint}>{c.description}</div> : null}
                </td>
                <td>{c.environment}</td>
                <td>{c.serverCount}</td>
                <td className={styles.row}>
                  <button type="button" className={styles.secondary} onClick={() => rename(c)}>
                    Rename
                  </button>
                  <button type="button" className={styles.danger} onClick={() => remove(c)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
