import type { Sample } from '@pgvigil/db/metrics';
import { sparseStep, type ProbeDefinition, type SparseState } from '@pgvigil/probes';

/**
 * One server's sparse probes (tables, indexes, sessions...): which rows of each run
 * are worth storing (`sparseStep`), remembered per probe and database. A worker owns
 * one, so a server that moves to another collector starts over with a keyframe.
 */
export class SparseFilter {
  private readonly states = new Map<string, SparseState>();

  filter(probe: ProbeDefinition, sample: Sample): Sample[] {
    if (!probe.sparse) return [sample];
    const key = `${probe.name}\u0000${sample.database ?? ''}`;
    const step = sparseStep(probe, this.states.get(key), sample.rows, sample.collectedAt);
    this.states.set(key, step.state);
    return step.samples.map((s) => ({
      collectedAt: s.at,
      serverId: sample.serverId,
      ...(sample.database === undefined ? {} : { database: sample.database }),
      rows: s.rows,
      keyframe: s.keyframe,
    }));
  }
}
