'use client';

import { useState } from 'react';
import styles from './admin.module.css';
import { RowActions, RowButton } from './data-table';
import type { ProbeSetting } from '@/contract';
import type { ProbeTarget } from './probes-admin';
import type { useApiMutation } from './use-api-mutation';

const SOURCE_LABEL = {
  default: 'default',
  global: 'global',
  cluster: 'from cluster',
  server: 'this server',
} as const;

function Source({ source, here }: { source: keyof typeof SOURCE_LABEL; here: boolean }) {
  return (
    <div className={styles.hint}>{here ? 'set here' : `inherited: ${SOURCE_LABEL[source]}`}</div>
  );
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A blank input inherits; anything else must be a whole number (the API checks the range). */
const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

/** One probe: its effective values with their source, edited in place. */
export function ProbeRow({
  probe: p,
  target,
  mutation,
}: {
  probe: ProbeSetting;
  target: ProbeTarget;
  mutation: ReturnType<typeof useApiMutation>;
}) {
  const [editing, setEditing] = useState(false);
  const own = p.override;
  const [enabled, setEnabled] = useState('');
  const [interval, setIntervalText] = useState('');
  const [retention, setRetention] = useState('');
  const global = target.scope === 'global';
  const query = target.scopeId === null ? '' : `?${target.scope}Id=${target.scopeId}`;
  const path = `/probe-settings/${encodeURIComponent(p.probe)}${query}`;
  const here = (source: string) => source === target.scope;
  const fields = editing ? mutation.error?.fields : undefined;

  function edit() {
    setEnabled(own?.enabled == null ? '' : String(own.enabled));
    setIntervalText(own?.intervalSeconds == null ? '' : String(own.intervalSeconds));
    setRetention(own?.retentionDays == null ? '' : String(own.retentionDays));
    mutation.setError(null);
    setEditing(true);
  }

  async function save() {
    const result = await mutation.mutate('PUT', path, {
      enabled: enabled === '' ? null : enabled === 'true',
      intervalSeconds: numberOrNull(interval),
      retentionDays: global ? numberOrNull(retention) : null,
    });
    if (result?.ok) setEditing(false);
  }

  return (
    <tr>
      <td>
        <strong>{p.title}</strong> <code>{p.probe}</code>
        <div className={styles.hint}>{p.description}</div>
      </td>
      <td>{p.target === 'pgbouncer' ? 'pooler (PgBouncer)' : p.probeScope}</td>
      <td>
        {editing ? (
          <select
            aria-label={`${p.probe} enabled`}
            value={enabled}
            onChange={(e) => setEnabled(e.target.value)}
          >
            <option value="">inherit</option>
            <option value="true">on</option>
            <option value="false">off</option>
          </select>
        ) : (
          <>
            {p.enabled.value ? 'on' : <span className={styles.warning}>off</span>}
            <Source source={p.enabled.source} here={here(p.enabled.source)} />
          </>
        )}
      </td>
      <td>
        {editing ? (
          <NumberInput
            label={`${p.probe} interval seconds`}
            value={interval}
            onChange={setIntervalText}
            placeholder={`inherit (${p.intervalSeconds.value})`}
            error={fields?.intervalSeconds}
            min={5}
            max={86_400}
          />
        ) : (
          <>
            {duration(p.intervalSeconds.value)}
            <Source source={p.intervalSeconds.source} here={here(p.intervalSeconds.source)} />
          </>
        )}
      </td>
      <td>
        {editing && global ? (
          <NumberInput
            label={`${p.probe} retention days`}
            value={retention}
            onChange={setRetention}
            placeholder={`inherit (${p.retentionDays.value})`}
            error={fields?.retentionDays}
            min={1}
            max={3650}
          />
        ) : (
          <>
            {p.retentionDays.value} d
            <Source source={p.retentionDays.source} here={here(p.retentionDays.source)} />
            {global ? null : <div className={styles.hint}>editable globally only</div>}
          </>
        )}
      </td>
      <RowActions>
        {editing ? (
          <>
            <RowButton onClick={save}>Save</RowButton>
            <RowButton onClick={() => setEditing(false)}>Cancel</RowButton>
          </>
        ) : (
          <>
            <RowButton onClick={edit}>Edit</RowButton>
            {own ? (
              <RowButton
                kind="danger"
                onClick={() =>
                  mutation.remove(path, `Reset ${p.probe} here? It inherits its settings again.`)
                }
              >
                Reset to inherited
              </RowButton>
            ) : null}
          </>
        )}
      </RowActions>
    </tr>
  );
}

function NumberInput(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  error: string | undefined;
  min: number;
  max: number;
}) {
  return (
    <>
      <input
        type="number"
        aria-label={props.label}
        value={props.value}
        min={props.min}
        max={props.max}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.error ? (
        <div className={styles.fieldError} role="alert">
          {props.error}
        </div>
      ) : null}
    </>
  );
}
