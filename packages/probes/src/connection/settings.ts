import { SSL_MODES } from '@pgvigil/schema';
import { z } from 'zod';
import { sshSettingsSchema } from './ssh-tunnel';

const pem = (label: string) =>
  z
    .string()
    .max(64_000)
    .refine((text) => text.includes('-----BEGIN '), {
      message: `${label} must be pasted PEM text (-----BEGIN ...), not a file path`,
    });

/**
 * Everything needed to reach one monitored server. Certificates and keys are PEM
 * text, never paths: the web app and the collector may run on different machines.
 */
export const connectionSettingsSchema = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'host is required')
    .max(255)
    .regex(/^[^\s,]+$/, 'one host name or address, without spaces or commas'),
  port: z.number().int().min(1).max(65535).default(5432),
  dbname: z.string().min(1, 'database is required').max(63).default('postgres'),
  user: z.string().min(1, 'user is required').max(63),
  password: z.string().max(1024).optional(),
  sslmode: z.enum(SSL_MODES).default('prefer'),
  sslRootCert: pem('CA certificate').optional(),
  sslCert: pem('Client certificate').optional(),
  sslKey: pem('Client key').optional(),
  /** reach the server through this SSH bastion; host and port are then as the bastion sees them */
  ssh: sshSettingsSchema.optional(),
});

export type ConnectionSettings = z.output<typeof connectionSettingsSchema>;
export type ConnectionSettingsInput = z.input<typeof connectionSettingsSchema>;
