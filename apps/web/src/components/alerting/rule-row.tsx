'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/admin/api';
import { duration, withUnit } from './format';
import { RuleBacktest } from './rule-backtest';
import { RuleOverrides, type OverrideTarget, type ParamView } from './rule-overrides';

export interface RuleView {
  id: number;
  key: string;
  name: string;
  kind: string;
  category: string;
  unit: string;
  explanation: string;
  runbook: string;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
  enabled: boolean;
  overrides: number;
  /** parameters besides the thresholds; value null = the catalog default */
  params: ParamView[];
  /** why the last failing cycle could not evaluate it (cleared once it runs again) */
  lastError: { message: string; at: string } | null;
  /** objects it could not see last cycle, with the GRANT or helper that shows them */
  unavailable: string | null;
  /** firings in an hour past which a series is flapping; null = `flapDefault`, 0 = off */
  flapLimit: number | null;
  flapDefault: number;
}

const parse = (v: string) => (v.trim() === '' ? null : Number(v));

/** One catalog rule: its global defaults, editable by editors; its overrides when opened. */
export function RuleRow({
  rule,
  canEdit,
  servers,
}: {
  rule: RuleView;
  canEdit: boolean;
  servers: OverrideTarget[];
}) {
  const router = useRouter();
  const [warning, setWarning] = useState(rule.warning === null ? '' : String(rule.warning));
  const [critical, setCritical] = useState(rule.critical === null ? '' : String(rule.critical));
  const [forSeconds, setFor] = useState(String(rule.forSeconds));
  const [flapLimit, setFlapLimit] = useState(rule.flapLimit === null ? '' : String(rule.flapLimit));
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [params, setParams] = useState<Record<string, string>>(
    Object.fromEntries(rule.params.map((p) => [p.name, p.value === null ? '' : String(p.value)])),
  );

  async function save(body: Record<string, unknown>) {
    const result = await api('PATCH', `/rules/${rule.id}`, body);
    setMessage(result.ok ? 'saved' : result.error.message);
    if (result.ok) router.refresh();
  }
  return (
    <tr data-testid={`rule-${rule.key}`}>
      <td>
        {rule.lastError ? (
          <p className="notice" role="alert" data-testid="rule-error">
            Not evaluated since {rule.lastError.at.replace('T', ' ').slice(0, 16)} UTC:{' '}
            {rule.lastError.message}
          </p>
        ) : null}
        {rule.unavailable ? (
          <p className="notice" data-testid="rule-unavailable">
            {rule.unavailable}
          </p>
        ) : null}
        <details onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>
            <b>{rule.name}</b>{' '}
            <span className="muted rule-key">
              {rule.key} · {rule.kind}
            </span>
          </summary>
          <p>{rule.explanation}</p>
          {rule.runbook ? (
            <p>
              <b>Runbook:</b> {rule.runbook}
            </p>
          ) : null}
          {rule.params.length ? (
            <div aria-label="Parameters" className="inline-form">
              <b>Parameters</b>
              {rule.params.map((p) =>
                canEdit ? (
                  <label key={p.name}>
                    {p.label} ({p.name}, {p.unit}; default {withUnit(p.default, p.unit)}){' '}
                    <input
                      aria-label={`parameter ${p.name}`}
                      placeholder={String(p.default)}
                      size={12}
                      value={params[p.name] ?? ''}
                      onChange={(e) => setParams({ ...params, [p.name]: e.target.value })}
                    />
                  </label>
                ) : (
                  <span key={p.name}>
                    {p.label}: {withUnit(p.value ?? p.default, p.unit)}
                    {p.value === null ? ' (default)' : ''}
                  </span>
                ),
              )}
              {canEdit ? (
                <button
                  className="btn"
                  type="button"
                  onClick={() =>
                    void save({
                      params: Object.fromEntries(
                        Object.entries(params).map(([k, v]) => [k, parse(v)]),
                      ),
                    })
                  }
                >
                  Save parameters
                </button>
              ) : null}
            </div>
          ) : null}
          <FlapLimit
            rule={rule}
            canEdit={canEdit}
            value={flapLimit}
            onChange={setFlapLimit}
            onSave={() => void save({ flapLimit: parse(flapLimit) })}
          />
          {open && canEdit && rule.kind !== 'forecast' && rule.kind !== 'anomaly' ? (
            <RuleBacktest
              ruleId={rule.id}
              unit={rule.unit}
              levels={{
                warning: parse(warning),
                critical: parse(critical),
                forSeconds: Number(forSeconds),
              }}
            />
          ) : null}
          {open ? (
            <RuleOverrides
              ruleId={rule.id}
              canEdit={canEdit}
              servers={servers}
              params={rule.params}
            />
          ) : null}
        </details>
      </td>
      <td>{rule.category}</td>
      {canEdit ? (
        <>
          <td>
            <input
              aria-label="warning"
              size={8}
              value={warning}
              onChange={(e) => setWarning(e.target.value)}
            />
          </td>
          <td>
            <input
              aria-label="critical"
              size={8}
              value={critical}
              onChange={(e) => setCritical(e.target.value)}
            />
          </td>
          <td>
            <input
              aria-label="for seconds"
              size={5}
              value={forSeconds}
              onChange={(e) => setFor(e.target.value)}
            />
          </td>
        </>
      ) : (
        // viewers read the thresholds, in their unit; only editors get inputs
        <>
          <td className="num">{withUnit(rule.warning, rule.unit)}</td>
          <td className="num">{withUnit(rule.critical, rule.unit)}</td>
          <td className="num">{duration(rule.forSeconds)}</td>
        </>
      )}
      {canEdit ? <td>{rule.unit.replaceAll('_', ' ')}</td> : null}
      <td>{rule.overrides || '—'}</td>
      <td>
        {canEdit ? (
          <>
            <button
              className="btn"
              type="button"
              onClick={() =>
                void save({
                  warning: parse(warning),
                  critical: parse(critical),
                  forSeconds: Number(forSeconds),
                })
              }
            >
              Save
            </button>{' '}
            <button
              className="btn btn-ghost"
              type="button"
              onClick={() => void save({ enabled: !rule.enabled })}
            >
              {rule.enabled ? 'Disable' : 'Enable'}
            </button>
          </>
        ) : rule.enabled ? (
          'enabled'
        ) : (
          'disabled'
        )}
        {message ? <span role="status"> {message}</span> : null}
      </td>
    </tr>
  );
}

/** The flap limit: an editor sets 0 to 60 (0 turns detection off), empty for the default. */
function FlapLimit({
  rule,
  canEdit,
  value,
  onChange,
  onSave,
}: {
  rule: RuleView;
  canEdit: boolean;
  value: string;
  onChange: (v: string) => void;
  onSave: () => void;
}) {
  const shown =
    rule.flapLimit === null
      ? `${rule.flapDefault} (default)`
      : rule.flapLimit === 0
        ? 'off'
        : String(rule.flapLimit);
  if (!canEdit) return <p>Flap limit (firings in an hour): {shown}</p>;
  return (
    <div className="inline-form">
      <label>
        Flap limit (firings in an hour; 0 = off, empty = default {rule.flapDefault}){' '}
        <input
          aria-label="flap limit"
          type="number"
          min={0}
          max={60}
          step={1}
          size={4}
          placeholder={String(rule.flapDefault)}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <button className="btn" type="button" onClick={onSave}>
        Save flap limit
      </button>
    </div>
  );
}
