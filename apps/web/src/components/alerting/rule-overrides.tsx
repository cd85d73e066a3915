'use client';

import { ENVIRONMENTS, OVERRIDE_SCOPES, TUNABLES } from '@pgvigil/schema';
import type { getEffectiveTuning, listOverrides, WireOf } from '@/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '@/components/admin/api';
import { ErrorBox } from '@/components/admin/field';

/** A rule parameter as the rules page shows it (value: the global one, null = default). */
export interface ParamView {
  name: string;
  label: string;
  unit: string;
  default: number;
  value: number | null;
}

export interface OverrideTarget {
  id: number;
  name: string;
  clusterId: number | null;
  clusterName: string | null;
}
type OverrideRow = WireOf<typeof listOverrides>['overrides'][number];
type Effective = WireOf<typeof getEffectiveTuning>['effective'];

const parse = (v: string) => (v.trim() === '' ? null : Number(v));
const show = (v: unknown) => (v === null || v === undefined ? 'inherit' : String(v));

/**
 * A rule's overrides per environment, cluster, server and database, and its
 * effective values on one server (and database) with the level each comes from.
 */
export function RuleOverrides(props: {
  ruleId: number;
  canEdit: boolean;
  servers: OverrideTarget[];
  params: ParamView[];
}) {
  const { ruleId, canEdit, servers, params } = props;
  const clusters = [
    ...new Map(
      servers.filter((s) => s.clusterId !== null).map((s) => [s.clusterId!, s.clusterName]),
    ),
  ];
  const [error, setError] = useState<ApiError | null>(null);
  const [f, setF] = useState({
    scope: 'server' as (typeof OVERRIDE_SCOPES)[number],
    target: '',
    database: '',
    enabled: '',
    warning: '',
    critical: '',
    forSeconds: '',
  });
  const [paramInputs, setParamInputs] = useState<Record<string, string>>({});
  const [at, setAt] = useState({ server: '', database: '' });
  const [effective, setEffective] = useState<Effective | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });

  const queryClient = useQueryClient();
  const queryKey = ['rule-overrides', ruleId];
  const overrides = useQuery({
    queryKey,
    queryFn: async () => {
      const r = await api<WireOf<typeof listOverrides>>('GET', `/rules/${ruleId}/overrides`);
      if (!r.ok) throw r.error;
      return r.data.overrides;
    },
  });
  const rows = overrides.data ?? [];
  const shownError = error ?? (overrides.error as ApiError | null);
  const load = () => queryClient.invalidateQueries({ queryKey });

  const where = (o: OverrideRow) => {
    if (o.scopeType === 'environment') return o.scopeValue;
    if (o.scopeType === 'cluster')
      return clusters.find(([id]) => id === o.scopeId)?.[1] ?? `cluster ${o.scopeId}`;
    const server = servers.find((s) => s.id === o.scopeId)?.name ?? `server ${o.scopeId}`;
    return o.scopeType === 'database' ? `${server} / ${o.scopeValue}` : server;
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    const id = f.scope === 'environment' ? null : Number(f.target) || null;
    const value = f.scope === 'environment' ? f.target : f.scope === 'database' ? f.database : null;
    const r = await api('PUT', `/rules/${ruleId}/overrides`, {
      scopeType: f.scope,
      scopeId: id,
      scopeValue: value || null,
      enabled: f.enabled === '' ? null : f.enabled === 'on',
      warning: parse(f.warning),
      critical: parse(f.critical),
      forSeconds: parse(f.forSeconds),
      params: Object.fromEntries(params.map((p) => [p.name, parse(paramInputs[p.name] ?? '')])),
    });
    if (!r.ok) return setError(r.error);
    setError(null);
    await load();
  }
  async function remove(id: number) {
    const r = await api('DELETE', `/rules/${ruleId}/overrides/${id}`);
    if (!r.ok) return setError(r.error);
    await load();
  }
  async function resolve(event: FormEvent) {
    event.preventDefault();
    const q = new URLSearchParams({ serverId: at.server });
    if (at.database) q.set('databaseName', at.database);
    const r = await api<WireOf<typeof getEffectiveTuning>>(
      'GET',
      `/rules/${ruleId}/effective?${q}`,
    );
    if (!r.ok) return setError(r.error);
    setError(null);
    setEffective(r.data.effective);
  }

  return (
    <div className="overrides" aria-label="Overrides">
      <h4>Overrides</h4>
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>Level</th>
              <th>Where</th>
              <th>Enabled</th>
              <th>Warning</th>
              <th>Critical</th>
              <th>For (s)</th>
              {params.map((p) => (
                <th key={p.name}>{p.name}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td>{o.scopeType}</td>
                <td>{where(o)}</td>
                <td>{show(o.enabled)}</td>
                <td>{show(o.warning)}</td>
                <td>{show(o.critical)}</td>
                <td>{show(o.forSeconds)}</td>
                {params.map((p) => (
                  <td key={p.name}>{show(o.params[p.name])}</td>
                ))}
                <td>
                  {canEdit ? (
                    <button
                      className="btn btn-ghost"
                      type="button"
                      onClick={() => void remove(o.id)}
                    >
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No overrides: the global values apply everywhere.</p>
      )}
      {canEdit ? (
        <form onSubmit={(e) => void save(e)} aria-label="Add override" className="inline-form">
          <select
            aria-label="level"
            value={f.scope}
            onChange={(e) => setF({ ...f, scope: e.target.value as typeof f.scope, target: '' })}
          >
            {OVERRIDE_SCOPES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <select aria-label="where" value={f.target} onChange={set('target')} required>
            <option value="">—</option>
            {f.scope === 'environment'
              ? ENVIRONMENTS.map((e) => <option key={e}>{e}</option>)
              : f.scope === 'cluster'
                ? clusters.map(([id, name]) => (
                    <option key={id} value={id}>
                      {name}
                    </option>
                  ))
                : servers.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
          </select>
          {f.scope === 'database' ? (
            <input
              aria-label="database"
              placeholder="database"
              value={f.database}
              onChange={set('database')}
              required
            />
          ) : null}
          <select aria-label="enabled" value={f.enabled} onChange={set('enabled')}>
            <option value="">enabled: inherit</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
          <input
            aria-label="override warning"
            placeholder="warning"
            size={8}
            value={f.warning}
            onChange={set('warning')}
          />
          <input
            aria-label="override critical"
            placeholder="critical"
            size={8}
            value={f.critical}
            onChange={set('critical')}
          />
          <input
            aria-label="override for seconds"
            placeholder="for (s)"
            size={6}
            value={f.forSeconds}
            onChange={set('forSeconds')}
          />
          {params.map((p) => (
            <input
              key={p.name}
              aria-label={`override ${p.name}`}
              placeholder={p.name}
              size={12}
              value={paramInputs[p.name] ?? ''}
              onChange={(e) => setParamInputs({ ...paramInputs, [p.name]: e.target.value })}
            />
          ))}
          <button className="btn" type="submit">
            Save override
          </button>
        </form>
      ) : null}
      <form onSubmit={(e) => void resolve(e)} aria-label="Effective values" className="inline-form">
        <span>Effective on</span>
        <select
          aria-label="effective server"
          value={at.server}
          onChange={(e) => setAt({ ...at, server: e.target.value })}
          required
        >
          <option value="">server…</option>
          {servers.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <input
          aria-label="effective database"
          placeholder="database (optional)"
          value={at.database}
          onChange={(e) => setAt({ ...at, database: e.target.value })}
        />
        <button className="btn" type="submit">
          Show
        </button>
      </form>
      {effective ? (
        <table aria-label="Effective">
          <tbody>
            {TUNABLES.map((k) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{show(effective[k].value)}</td>
                <td className="muted">from {effective[k].source}</td>
              </tr>
            ))}
            {params.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td>{show(effective.params[p.name]?.value)}</td>
                <td className="muted">from {effective.params[p.name]?.source ?? 'global'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {shownError ? <ErrorBox message={shownError.message} hint={shownError.hint} /> : null}
    </div>
  );
}
