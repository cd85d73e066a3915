import type { LagLevel } from '@pgvigil/schema';
import type { ClusterTopology } from '@/contract';

type TopologyNode = ClusterTopology['nodes'][number];
import Link from 'next/link';
import { formatBytes } from './format';

const W = 180;
const H = 48;
const GAP_X = 40;
const GAP_Y = 70;
const COLOUR: Record<LagLevel, string> = {
  ok: 'var(--ok)',
  warning: 'var(--warn)',
  critical: 'var(--crit)',
  unknown: 'var(--off)',
};
const ROLE_LABEL: Record<TopologyNode['role'], string> = {
  primary: 'primary',
  standby: 'standby',
  subscriber: 'subscriber',
  external: 'not registered',
  unknown: 'role not known yet',
};

/**
 * The replication topology as layered SVG: upstreams above their standbys and
 * subscribers, edges coloured by replay lag (dashed for logical replication).
 */
export function TopologyGraph({
  topology,
  hrefFor,
}: {
  topology: ClusterTopology;
  hrefFor: (serverId: number) => string;
}) {
  const levels = new Map<number, TopologyNode[]>();
  for (const n of topology.nodes) levels.set(n.depth, [...(levels.get(n.depth) ?? []), n]);
  const widest = Math.max(1, ...[...levels.values()].map((l) => l.length));
  const width = widest * (W + GAP_X) + GAP_X;
  const height = Math.max(1, levels.size) * (H + GAP_Y) + GAP_Y / 2;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [depth, nodes] of levels) {
    const offset = (width - nodes.length * (W + GAP_X) + GAP_X) / 2;
    nodes.forEach((n, i) =>
      pos.set(n.key, { x: offset + i * (W + GAP_X), y: GAP_Y / 2 + depth * (H + GAP_Y) }),
    );
  }
  return (
    <svg
      className="topology"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width }}
      role="img"
      aria-label={`Replication topology: ${topology.nodes.length} nodes, ${topology.edges.length} links`}
    >
      <defs>
        {(Object.keys(COLOUR) as LagLevel[]).map((l) => (
          <marker
            key={l}
            id={`arrow-${l}`}
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill={COLOUR[l]} />
          </marker>
        ))}
      </defs>
      {topology.edges.map((e) => {
        const a = pos.get(e.from)!;
        const b = pos.get(e.to)!;
        const [x1, y1, x2, y2] = [a.x + W / 2, a.y + H, b.x + W / 2, b.y];
        const lag =
          e.replayLagBytes == null ? 'lag unknown' : `${formatBytes(e.replayLagBytes)} behind`;
        return (
          <g key={`${e.from}-${e.to}-${e.kind}`} data-edge={e.level}>
            <title>{`${e.kind} replication${e.applicationName ? ` (${e.applicationName})` : ''}: ${lag}`}</title>
            <line
              x1={x1}
              y1={y1}
              x2={x2}
              y2={y2}
              stroke={COLOUR[e.level]}
              strokeWidth={3}
              strokeDasharray={e.kind === 'logical' ? '6 4' : undefined}
              markerEnd={`url(#arrow-${e.level})`}
            />
            <text
              x={(x1 + x2) / 2 + 8}
              y={(y1 + y2) / 2}
              className="topology-edge-label"
              fill={COLOUR[e.level]}
            >
              {e.kind === 'logical' ? `logical · ${lag}` : lag}
            </text>
          </g>
        );
      })}
      {topology.nodes.map((n) => {
        const p = pos.get(n.key)!;
        const box = (
          <g>
            <rect
              x={p.x}
              y={p.y}
              width={W}
              height={H}
              rx={8}
              className={`topology-node role-${n.role}`}
            />
            <text x={p.x + 12} y={p.y + 20} className="topology-name">
              {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
            </text>
            <text x={p.x + 12} y={p.y + 37} className="topology-role">
              {ROLE_LABEL[n.role]}
            </text>
          </g>
        );
        return n.serverId ? (
          <Link key={n.key} href={hrefFor(n.serverId)}>
            {box}
          </Link>
        ) : (
          <g key={n.key}>{box}</g>
        );
      })}
    </svg>
  );
}
