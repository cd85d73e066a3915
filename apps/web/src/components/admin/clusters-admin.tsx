'use client';

import { ENVIRONMENTS } from '@pgvigil/schema';
import type { Cluster } from '@/contract';
import { useState, type FormEvent } from 'react';
import styles from './admin.module.css';
import { DataTable, OptionsSelect, RowActions, RowButton } from './data-table';
import { Field, FormPanel } from './field';
import { useApiMutation } from './use-api-mutation';

export function ClustersAdmin({ clusters }: { clusters: Cluster[] }) {
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<string>('production');
  const [description, setDescription] = useState('');
  const { error, mutate, remove } = useApiMutation();

  async function create(event: FormEvent) {
    event.preventDefault();
    const result = await mutate('POST', '/clusters', { name, environment, description });
    if (!result?.ok) return;
    setName('');
    setDescription('');
  }

  function rename(c: Cluster) {
    const next = window.prompt('New name', c.name);
    if (next && next !== c.name) void mutate('PATCH', `/clusters/${c.id}`, { name: next });
  }

  return (
    <div className={styles.page}>
      <h1>Clusters</h1>
      <p className={styles.hint}>
        A cluster groups servers: a primary and its standbys, or any set you choose. Move servers
        between clusters from the server form.
      </p>
      <FormPanel label="Add a cluster" onSubmit={create} error={error} submitLabel="Add cluster">
        <Field label="Name" error={error?.fields?.name}>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field label="Environment">
          <OptionsSelect options={ENVIRONMENTS} value={environment} onChange={setEnvironment} />
        </Field>
        <Field label="Description">
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </FormPanel>
      <DataTable
        label="Clusters"
        headings={['Name', 'Environment', 'Servers', '']}
        empty="No clusters yet. Servers work without one."
      >
        {clusters.map((c) => (
          <tr key={c.id}>
            <td>
              <strong>{c.name}</strong>
              {c.description ? <div className={styles.hint}>{c.description}</div> : null}
            </td>
            <td>{c.environment}</td>
            <td>{c.serverCount}</td>
            <RowActions>
              <RowButton onClick={() => rename(c)}>Rename</RowButton>
              <RowButton
                kind="danger"
                onClick={() =>
                  remove(
                    `/clusters/${c.id}`,
                    `Delete cluster ${c.name}? Its ${c.serverCount} server(s) stay, ungrouped.`,
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
