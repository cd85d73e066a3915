import { listChannels, listOutbox } from '@pgvigil/db/alerting';
import { DeleteButton } from '@/components/alerting/blackout-form';
import { ChannelForm, SendTestButton } from '@/components/alerting/channel-form';
import { ago } from '@/components/alerting/format';
import { EmptyState } from '@/components/shell/states';
import { channelView, deliveryView } from '@/server/alerting-views';
import { requirePageUser } from '@/server/auth';
import { db } from '@/server/db';

export const metadata = { title: 'Channels' };
export const dynamic = 'force-dynamic';

export default async function ChannelsPage() {
  await requirePageUser('admin', '/channels');
  const [channels, deliveries] = await Promise.all([
    listChannels(db()).then((rows) => rows.map(channelView)),
    listOutbox(db(), { limit: 50 }).then((rows) => rows.map(deliveryView)),
  ]);
  const now = new Date();
  return (
    <>
      <div className="page-header">
        <h1>Channels</h1>
        <p className="muted">
          Webhook URLs, HMAC secrets and SMTP passwords are stored encrypted and never shown again.
        </p>
      </div>
      <section className="panel" aria-labelledby="channels-title">
        <h2 id="channels-title">Channels</h2>
        {channels.length === 0 ? (
          <EmptyState title="No channel yet">
            Alerts are recorded but nobody is told. Add Slack, Mattermost, a webhook or email below,
            then use Send test.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-labelledby="channels-title">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Destination</th>
                  <th>Minimum severity</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {channels.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{c.type}</td>
                    <td>
                      {Array.isArray(c.config.to)
                        ? c.config.to.join(', ')
                        : String(c.config.urlHost ?? '')}
                    </td>
                    <td>{c.minSeverity}</td>
                    <td>
                      <SendTestButton channelId={c.id} />{' '}
                      <DeleteButton path={`/channels/${c.id}`} label={c.name} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ChannelForm />
      <section className="section panel" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Recent deliveries</h2>
        {deliveries.length === 0 ? (
          <EmptyState title="Nothing sent yet">
            Notifications and test messages appear here with their status and last error.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Queued</th>
                  <th>Channel</th>
                  <th>Kind</th>
                  <th>Message</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Last error</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td>{ago(d.createdAt, now)} ago</td>
                    <td>{d.channelName}</td>
                    <td>{d.kind}</td>
                    <td>{d.title}</td>
                    <td>{d.status}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
