'use client';

import type { WireOf, postAsk } from '@/contract';
import { useState, type FormEvent } from 'react';
import { api, type ApiError } from '../admin/api';
import styles from './ask.module.css';

type Answer = WireOf<typeof postAsk>;

/**
 * Ask the configured language model about what is on this page. It answers through
 * pgvigil's MCP tools with the user's own permissions; every tool call it made is
 * listed under the answer.
 */
export function AskPanel({ serverId, alertId }: { serverId?: number; alertId?: number }) {
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<Answer>('POST', '/ask', {
      question,
      ...(serverId ? { serverId } : {}),
      ...(alertId ? { alertId } : {}),
    });
    setBusy(false);
    if (r.ok) setAnswer(r.data);
    else setError(r.error);
  }

  return (
    <section className={styles.panel} aria-label="Ask">
      <h2 className={styles.title}>Ask</h2>
      <form onSubmit={(e) => void submit(e)} className={styles.form}>
        <input
          className={styles.input}
          value={question}
          maxLength={2000}
          placeholder="Why is this server slow? What changed in the last hour?"
          onChange={(e) => setQuestion(e.target.value)}
          aria-label="Question"
        />
        <button className={styles.button} type="submit" disabled={busy || !question.trim()}>
          {busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {error && (
        <p className={styles.error} role="alert">
          {error.message}
          {error.hint ? ` ${error.hint}` : ''}
        </p>
      )}
      {answer && (
        <div role="status">
          {answer.ok ? (
            <p className={styles.answer}>{answer.answer}</p>
          ) : (
            <p className={styles.error}>{answer.message}</p>
          )}
          {answer.steps.length > 0 && (
            <ol className={styles.steps} aria-label="Tool calls">
              {answer.steps.map((s, i) => (
                <li key={i} className={s.isError ? styles.stepError : undefined}>
                  <code>
                    {s.tool}({JSON.stringify(s.arguments)})
                  </code>{' '}
                  {s.summary}
                </li>
              ))}
            </ol>
          )}
          <p className={styles.usage}>
            {answer.usage.promptTokens + answer.usage.completionTokens} tokens (
            {answer.usage.promptTokens} in, {answer.usage.completionTokens} out)
          </p>
        </div>
      )}
    </section>
  );
}
