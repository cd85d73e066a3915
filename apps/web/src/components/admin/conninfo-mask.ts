/**
 * Hides the password inside a pasted connection string, for the server form:
 * the input shows MASK where the password is and the real text stays in state.
 * Spans follow @pgvigil/probes' parser: in a URL the credentials end at the last
 * '@'; in key=value text the password value may be single-quoted with escapes.
 */
export const MASK = '••••';

type Span = { start: number; end: number };

function urlPasswordSpan(text: string): Span | null {
  const scheme = /^\s*postgres(ql)?:\/\//i.exec(text);
  if (!scheme) return null;
  const at = text.lastIndexOf('@');
  const colon = text.indexOf(':', scheme[0].length);
  if (at < 0 || colon < 0 || colon > at) return null;
  return { start: colon + 1, end: at };
}

function conninfoPasswordSpan(text: string): Span | null {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    const key = /^([A-Za-z_]+)\s*=\s*/.exec(text.slice(i));
    if (!key) return null;
    i += key[0].length;
    const start = i;
    if (text[i] === "'") {
      i++;
      while (i < text.length && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
      i = Math.min(i + 1, text.length);
    } else {
      while (i < text.length && !/\s/.test(text[i] ?? '')) i += text[i] === '\\' ? 2 : 1;
      i = Math.min(i, text.length);
    }
    if (key[1]?.toLowerCase() === 'password') return { start, end: i };
  }
  return null;
}

function passwordSpan(text: string): Span | null {
  return /^\s*postgres(ql)?:\/\//i.test(text) ? urlPasswordSpan(text) : conninfoPasswordSpan(text);
}

/** The string as shown: the password (as typed, encoded or quoted) replaced by MASK. */
export function maskConnectionString(real: string): string {
  const span = passwordSpan(real);
  if (!span || span.end === span.start) return real;
  return real.slice(0, span.start) + MASK + real.slice(span.end);
}

/**
 * The real string after the user edited the shown one: MASK standing where the
 * password is puts the old password back; typing into the mask replaces it.
 */
export function unmaskConnectionString(shown: string, previousReal: string): string {
  const span = passwordSpan(shown);
  if (!span) return shown;
  const segment = shown.slice(span.start, span.end);
  if (!segment.includes('•')) return shown;
  const old = passwordSpan(previousReal);
  const replacement =
    segment === MASK && old ? previousReal.slice(old.start, old.end) : segment.replaceAll('•', '');
  return shown.slice(0, span.start) + replacement + shown.slice(span.end);
}

/** The password text as written in the string (still encoded or quoted), or null. */
export function passwordText(text: string): string | null {
  const span = passwordSpan(text);
  return span ? text.slice(span.start, span.end) : null;
}
