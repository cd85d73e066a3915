'use client';

import { useState, type FormEvent } from 'react';
import { useApiMutation } from '@/components/admin/use-api-mutation';

/** The Patroni REST URL of a cluster and "register its members": admin actions. */
export function PatroniActions({ clusterId, url }: { clusterId: number; url: string | null }) {
  const [value, setValue] = useState(url ?? '');
  const [note, setNote] = useState<string | null>(null);
  const { error, mutate } = useApiMutation();

  async function save(event: FormEvent) {
    event.preventDefault();
    setNote(null);
    await mutate('PUT', `/clusters/${clusterId}/patroni`, { url: value.trim() || null });
  }

  async function register() {
    setNote(null);
    const result = await mutate<{ servers: { name: string }[] }>(
      'POST',
      `/clusters/${clusterId}/patroni/members`,
      {},
    );
    if (result?.ok)
      setNote(
        result.data.servers.length
          ? `Registered ${result.data.servers.map((s) => s.name).join(', ')}.`
          : 'Every member is already a server of this cluster.',
      );
  }

  return (
    <form className="patroni-actions" onSubmit={(e) => void save(e)} aria-label="Patroni">
      <label>
        Patroni REST URL (one member&apos;s){' '}
        <input
          name="patroniUrl"
          value={value}
          placeholder="http://10.0.0.5:8008"
          onChange={(e) => setValue(e.target.value)}
        />
      </label>{' '}
      <button type="submit">Save</button>{' '}
      {url ? (
        <button type="button" onClick={() => void register()}>
          Register members
        </button>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error.message}
          {error.fields?.url ? ` (${error.fields.url})` : ''}
        </p>
      ) : null}
      {note ? <p role="status">{note}</p> : null}
    </form>
  );
}
