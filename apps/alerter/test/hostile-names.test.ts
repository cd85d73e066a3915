import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRules, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { deliverDue, syncCatalog } from '@pgvigil/alerting';
import { startHttpSink, startSmtpSink } from '@pgvigil/alerting/testing';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer, box, collect, query } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;

// Names any database user can give a sequence, aimed at the on-call channel.
const SLACK_BAIT = '<!channel> <https://evil.example|Ack here>';
const MATTERMOST_BAIT =
  '@all ![pixel](https://evil.example/p.png) [Ack](https://evil.example) @channel';
const HTML_BAIT = '<img src=x onerror=alert(1)><a href="https://evil.example">Ack</a>';

/**
 * Hostile object names from a real PostgreSQL, through the collector's probe, the
 * alerter's cycle and the real senders, into real receivers: each channel gets them
 * as text, never as mentions, links, images or HTML.
 */
describe(`hostile sequence names reach chat and email as text, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'hostile');
    sink = await startHttpSink();
    smtp = await startSmtpSink();
    for (const name of [SLACK_BAIT, MATTERMOST_BAIT, HTML_BAIT]) {
      const quoted = `"${name.replace(/"/g, '""')}"`;
      await query(monitored.url, `CREATE SEQUENCE ${quoted} MAXVALUE 100`);
      await query(monitored.url, `SELECT setval($1, 95)`, [quoted]);
    }
    await addChannel(ds.db, 'slack', 'slack', { url: `${sink.url}/slack` });
    await addChannel(ds.db, 'mattermost', 'mm', { url: `${sink.url}/mattermost` });
    await addChannel(ds.db, 'email', 'mail', { to: 'oncall@example.com', smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await sink?.close();
    await smtp?.close();
    await monitored?.drop();
    await ds?.drop();
  });

  it('fires on the sequences and delivers escaped messages', async () => {
    const serverId = await addServer(ds.db, 'hostile-names', monitored.url);
    const rule = (await listRules(ds.db)).find((r) => r.key === 'sequence_usage')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    const at = new Date();
    await collect(ds.db, serverId, monitored.url, 'sequences', at);
    const cycle = await runCycle(ds.db, at, {
      baseUrl: 'http://pgvigil.test',
      reminderSeconds: 0,
      includeTrends: false,
    });
    expect(cycle.queued).toBe(3);
    await deliverDue(ds.db, box, () => at, {
      leaseSeconds: 60,
      batch: 50,
      timeoutMs: 5000,
      maxAttempts: 5,
      smtpUrl: undefined,
    });

    const slack = sink.requests.find((r) => r.path === '/slack')!;
    const mrkdwn = [
      String(slack.body.text),
      ...JSON.stringify(slack.body.blocks)
        .match(/"type":"mrkdwn","text":"((?:[^"\\]|\\.)*)"/g)!
        .map((m) => JSON.parse(`{${m}}`).text as string),
    ];
    for (const text of mrkdwn) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toMatch(/<https?:/);
      expect(text).not.toMatch(/@(all|channel)\b/);
    }
    expect(String(slack.body.text)).toContain(
      '&lt;!channel&gt; &lt;https://evil.example|Ack here&gt;',
    );

    const mm = String(sink.requests.find((r) => r.path === '/mattermost')!.body.text);
    // every bait sits in inline code, where Mattermost renders no markup and no mention
    const outsideCode = mm.replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toContain('evil.example');
    expect(mm).not.toMatch(/@(all|channel)\b/);
    expect(mm).toContain('`public.@\u200ball ![pixel](https://evil.example/p.png)');

    // the HTML part, quoted-printable decoded (the text/plain part carries names as plain text)
    const data = smtp.mails[0]!.data;
    const htmlPart = data.slice(data.indexOf('Content-Type: text/html'));
    const html = htmlPart
      .slice(htmlPart.indexOf('\r\n\r\n'), htmlPart.indexOf('\r\n--'))
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect(html).toContain('<ul><li>');
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('href="https://evil.example"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;!channel&gt;');
  });
});
