import { formatBytes, formatSeconds } from '@pgvigil/schema';
import type { ReadinessCheckView } from '@/contract';

type ReadinessObject = NonNullable<ReadinessCheckView['objects']>[number];

const label = (key: string) => key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

function value(key: string, v: string | number | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' && /bytes$/i.test(key) && key !== 'bytesPerSecond')
    return formatBytes(v);
  if (key === 'bytesPerSecond' && typeof v === 'number') return `${formatBytes(v)}/s`;
  if (key === 'seconds' && typeof v === 'number') return formatSeconds(v);
  return String(v);
}

/** An object's figures, other than its name, as one line: "bytes 1.5 GiB, rows 200". */
export function objectFacts(o: ReadinessObject): string {
  return Object.entries(o)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => `${label(k)} ${value(k, v)}`)
    .join(', ');
}
