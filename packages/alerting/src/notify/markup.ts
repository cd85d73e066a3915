import type { Markup } from './payload';

// What a monitored database can name (a sequence called `<!channel> <https://evil|Ack here>`)
// reaches chat as text, never as markup: no mention, no link, no image, no formatting.

const ZWSP = '\u200b';
/** `@all`, `@channel`, `@here`, `@someone`: a zero-width space after the @ keeps it from mentioning. */
const unmention = (s: string) => s.replace(/@(?=\w)/g, `@${ZWSP}`);
/** Inline code cannot hold a backtick or a line break; a look-alike and a space stand in. */
const codeSafe = (s: string) => s.replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ');

const slackEscape = (s: string) =>
  s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

/**
 * Slack mrkdwn: `&`, `<` and `>` escaped (no `<!channel>`, `<!here>` or `<url|label>`
 * can form), names in inline code (no auto-link, no formatting).
 */
export const SLACK: Markup = {
  text: (s) => unmention(slackEscape(s)),
  name: (s) => `\`${unmention(slackEscape(codeSafe(s)))}\``,
};

/**
 * Mattermost Markdown: every Markdown character backslash-escaped (no link, image,
 * emphasis or heading), mentions broken, names in inline code.
 */
export const MATTERMOST: Markup = {
  text: (s) => unmention(s.replace(/[\\`*_{}[\]()<>#+\-.!|~:]/g, (c) => `\\${c}`)),
  name: (s) => `\`${unmention(codeSafe(s))}\``,
};
