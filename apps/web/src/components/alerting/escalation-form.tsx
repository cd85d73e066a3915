'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '@/components/admin/api';
import { Field } from '@/components/admin/field';
import { ChannelChecks, FormEnd, type Named } from './routing-forms';

type Step = { channelIds: number[]; waitMinutes: number };
export type EditedPolicy = { id: number; name: string; steps: Step[]; repeat: boolean };

/**
 * A new escalation policy: two steps to fill in, the second optional. Given `editing`, the
 * same form changes that policy (its steps, and one more to fill in).
 */
export function EscalationForm({
  channels,
  editing,
}: {
  channels: readonly Named[];
  editing?: EditedPolicy;
}) {
  const router = useRouter();
  const [name, setName] = useState(editing?.name ?? '');
  const [steps, setSteps] = useState<Step[]>(
    editing
      ? [...editing.steps, { channelIds: [], waitMinutes: 15 }]
      : [
          { channelIds: [], waitMinutes: 5 },
          { channelIds: [], waitMinutes: 15 },
        ],
  );
  const [repeat, setRepeat] = useState(editing?.repeat ?? false);
  const [error, setError] = useState<ApiError | null>(null);
  const setStep = (i: number, s: Step) => setSteps(steps.map((x, j) => (j === i ? s : x)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = { name, steps: steps.filter((s) => s.channelIds.length > 0), repeat };
    const result = editing
      ? await api('PATCH', `/escalations/${editing.id}`, body)
      : await api('POST', '/escalations', body);
    if (!result.ok) return setError(result.error);
    setError(null);
    if (editing) router.push('/routes');
    router.refresh();
  }
  return (
    <form
      className="panel section"
      onSubmit={(e) => void submit(e)}
      aria-label={editing ? 'Edit escalation' : 'New escalation'}
    >
      <h2>{editing ? `Edit escalation policy "${editing.name}"` : 'New escalation policy'}</h2>
      <Field label="Name" error={error?.fields?.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      {steps.map((s, i) => (
        <div key={i} className="grid form-grid">
          <ChannelChecks
            legend={`Step ${i + 1}`}
            channels={channels}
            chosen={s.channelIds}
            onChange={(ids) => setStep(i, { ...s, channelIds: ids })}
          />
          <Field label={`Step ${i + 1}: minutes to wait for an acknowledgement`}>
            <input
              type="number"
              min={1}
              value={s.waitMinutes}
              onChange={(e) => setStep(i, { ...s, waitMinutes: Number(e.target.value) })}
            />
          </Field>
        </div>
      ))}
      <label>
        <input type="checkbox" checked={repeat} onChange={(e) => setRepeat(e.target.checked)} />{' '}
        Start over after the last step
      </label>
      <FormEnd error={error} editing={Boolean(editing)} what="escalation policy" />
    </form>
  );
}
