import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, envVars, parseEnv } from '@pgvigil/db';

const schema = z.object({
  DATABASE_URL: envVars.databaseUrl,
  PORT: envVars.port.default(3000),
  PGVIGIL_BASE_URL: envVars.url.optional(),
});

describe('environment validation', () => {
  it('lists every problem at once, by variable name', () => {
    try {
      parseEnv('web', schema, { PORT: '99999', PGVIGIL_BASE_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const message = (err as EnvError).message;
      expect(message).toMatch(/^web: the environment is not valid/);
      expect(message).toMatch(/DATABASE_URL: is required/);
      expect(message).toMatch(/PORT: must be between 1 and 65535/);
      expect(message).toMatch(/PGVIGIL_BASE_URL: must be an absolute URL/);
      expect((err as EnvError).problems).toHaveLength(3);
    }
  });

  it('treats an empty variable as unset and applies defaults', () => {
    const env = parseEnv('web', schema, {
      DATABASE_URL: 'postgresql://u@h/db',
      PORT: '',
      PGVIGIL_BASE_URL: '',
    });
    expect(env).toEqual({ DATABASE_URL: 'postgresql://u@h/db', PORT: 3000 });
  });

  it('rejects a datastore URL that is not PostgreSQL', () => {
    expect(() => parseEnv('x', schema, { DATABASE_URL: 'mysql://h/db' })).toThrow(
      /must start with postgresql:\/\//,
    );
  });
});
