import { z } from 'zod';

export class EnvError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`${app}: the environment is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/**
 * Validates an app's environment against its schema and reports every problem at
 * once, as a readable list, instead of failing on the first one.
 */
export function parseEnv<S extends z.ZodType>(
  app: string,
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  // An empty variable (`DATABASE_URL=`) means unset, as in most tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new EnvError(app, problems);
}

/** Common variable shapes, so every app words its errors the same way. */
export const envVars = {
  databaseUrl: z
    .string({ error: 'is required (a postgresql:// connection string to the datastore)' })
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgresql://'),
  home: z.string().min(1).default('.pgvigil'),
  port: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535'),
  url: z.string().url('must be an absolute URL such as https://pgvigil.example.com'),
  optionalSecret: z.string().optional(),
  smtpUrl: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://')
    .optional(),
};

/** What every app needs to reach the datastore and open its secrets. */
export const datastoreEnv = {
  DATABASE_URL: envVars.databaseUrl,
  PGVIGIL_HOME: envVars.home,
  PGVIGIL_SECRET_KEY: envVars.optionalSecret,
  PGVIGIL_SECRET_KEY_PREVIOUS: envVars.optionalSecret,
};
