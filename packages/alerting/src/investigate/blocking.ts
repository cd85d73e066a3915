import type { BlockingRow } from '@pgvigil/db/alerting';
import type { BlockingChain } from './types';

/**
 * Blocking chains from sampled (blocked, blocking) pairs: per sample, the roots are
 * blockers that wait for nobody (a cycle gets its lowest pid); each root counts the
 * sessions behind it, directly or not. Across samples a root keeps its largest count.
 */
export function blockingChains(rows: readonly BlockingRow[]): BlockingChain[] {
  const samples = new Map<number, BlockingRow[]>();
  for (const r of rows) {
    const t = r.collected_at.getTime();
    samples.set(t, [...(samples.get(t) ?? []), r]);
  }
  const chains = new Map<number, BlockingChain>();
  for (const [t, pairs] of [...samples].sort((a, b) => a[0] - b[0])) {
    const blockers = new Map<number, number[]>();
    const waiting = new Set(pairs.map((p) => p.blocked_pid));
    for (const p of pairs)
      blockers.set(p.blocking_pid, [...(blockers.get(p.blocking_pid) ?? []), p.blocked_pid]);
    let roots = [...blockers.keys()].filter((pid) => !waiting.has(pid));
    if (!roots.length && blockers.size) roots = [Math.min(...blockers.keys())];
    for (const root of roots) {
      const behind = new Set<number>();
      const queue = [root];
      while (queue.length) {
        for (const b of blockers.get(queue.pop()!) ?? [])
          if (!behind.has(b) && b !== root) {
            behind.add(b);
            queue.push(b);
          }
      }
      const mine = pairs.filter((p) => behind.has(p.blocked_pid));
      const own = pairs.find((p) => p.blocking_pid === root);
      const longest = Math.max(0, ...mine.map((p) => p.blocked_seconds ?? 0));
      const prev = chains.get(root);
      chains.set(root, {
        rootPid: root,
        rootState: own?.blocking_state ?? prev?.rootState ?? null,
        rootQuery: own?.blocking_query ?? prev?.rootQuery ?? null,
        blocked: Math.max(prev?.blocked ?? 0, behind.size),
        longestSeconds: Math.max(prev?.longestSeconds ?? 0, longest),
        firstSeen: prev?.firstSeen ?? new Date(t),
        lastSeen: new Date(t),
      });
    }
  }
  return [...chains.values()].sort((a, b) => b.blocked - a.blocked || a.rootPid - b.rootPid);
}
