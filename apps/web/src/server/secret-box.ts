import { loadSecretBox, type SecretBox } from '@pgvigil/db';
import { env } from './env';

const holder = globalThis as unknown as { pgvigilSecretBox?: Promise<SecretBox> };

/** The process's secret box: PGVIGIL_SECRET_KEY, or the key kept in $PGVIGIL_HOME. */
export function secretBox(): Promise<SecretBox> {
  const e = env();
  holder.pgvigilSecretBox ??= loadSecretBox({
    key: e.PGVIGIL_SECRET_KEY,
    previous: e.PGVIGIL_SECRET_KEY_PREVIOUS,
    home: e.PGVIGIL_HOME,
  });
  return holder.pgvigilSecretBox;
}
