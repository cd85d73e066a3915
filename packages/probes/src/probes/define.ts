import type { ProbeDefinition } from '../types';

export const V14 = 140000;
export const V15 = 150000;
export const V16 = 160000;
export const V17 = 170000;
export const V18 = 180000;

type Defaults = 'changeTracked' | 'minServerVersion' | 'retentionDays';

/** A probe with the usual defaults: 14+, 14 days of raw samples, not change-tracked. */
export function defineProbe(
  def: Omit<ProbeDefinition, Defaults> & Partial<Pick<ProbeDefinition, Defaults>>,
): ProbeDefinition {
  return { changeTracked: false, minServerVersion: V14, retentionDays: 14, ...def };
}
