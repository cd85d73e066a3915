import { getHealth } from '@pgvigil/db';
import { db } from '@/server/db';

export default async function HomePage() {
  const health = await getHealth(db());
  return (
    <main style={{ maxWidth: 720, margin: '48px auto', padding: '0 24px' }}>
      <h1>pgvigil</h1>
      <p>Monitoring and alerting for your PostgreSQL fleet.</p>
      <section aria-label="Platform health">
        <h2>Platform health: {health.status}</h2>
        <ul>
          <li>
            Datastore:{' '}
            {health.datastore.reachable
              ? `reachable (${health.datastore.latencyMs} ms)`
              : 'unreachable'}
          </li>
          <li>Schema version: {health.migrationVersion ?? 'not migrated'}</li>
          {Object.entries(health.components).map(([name, c]) => (
            <li key={name}>
              {name}: {c.status}
              {c.lastSeenAt ? ` (last heartbeat ${c.lastSeenAt})` : ''}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
