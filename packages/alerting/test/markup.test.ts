import { describe, expect, it } from 'vitest';
import { MATTERMOST, SLACK } from '../src/notify/markup';
import { mattermostText } from '../src/notify/senders/mattermost';
import { slackBody } from '../src/notify/senders/slack';
import type { NotificationPayload } from '../src/notify/payload';

const payload = (
  object: string,
  message = 'Sequence near its maximum: 95 %',
): NotificationPayload => ({
  kind: 'firing',
  title: `Sequence near its maximum on ${object} firing`,
  severity: 'warning',
  rule: { key: 'sequence_usage', name: 'Sequence', runbook: '' },
  server: { id: 1, name: 'pg1' },
  items: [
    {
      alertId: 1,
      database: 'app',
      object,
      value: 95,
      threshold: 90,
      unit: 'percent',
      message,
      since: null,
    },
  ],
  link: 'http://pg.test/alerts',
  at: '2026-03-10T12:00:00.000Z',
});

describe('chat markup', () => {
  it('Slack: no control sequence can form, a backtick cannot leave the code span', () => {
    expect(SLACK.text('<!here> & <https://evil|x>')).toBe(
      '&lt;!here&gt; &amp; &lt;https://evil|x&gt;',
    );
    expect(SLACK.name('a`<!channel>`b')).toBe('`aˋ&lt;!channel&gt;ˋb`');
    expect(SLACK.text('ping @here')).toBe('ping @\u200bhere');
    // a custom rule's message template can carry a name too
    const body = JSON.stringify(slackBody(payload('x', 'seq <!everyone> is full')));
    expect(body).not.toContain('<!everyone>');
  });

  it('Mattermost: links, images, emphasis and mentions are escaped, names are code', () => {
    expect(MATTERMOST.text('![i](https://e/p.png) [a](https://e) *b* @all')).toBe(
      '\\!\\[i\\]\\(https\\://e/p\\.png\\) \\[a\\]\\(https\\://e\\) \\*b\\* @\u200ball',
    );
    expect(MATTERMOST.name('x`\n![i](u)')).toBe('`xˋ ![i](u)`');
    const text = mattermostText(payload('@channel [Ack](https://evil.example)'));
    expect(text.replace(/`[^`\n]*`/g, '')).not.toContain('evil.example');
    expect(text).not.toMatch(/@channel\b/);
  });
});
