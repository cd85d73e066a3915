// What a tool is: a name that never changes, a zod input, who may call it, and a
// run function over the datastore. The MCP server, the docs and the LLM panel all
// read the same definitions.
import type { Db, SecretBox } from '@pgvigil/db';
import { AppError } from '@pgvigil/db';
import type { Role } from '@pgvigil/schema';
import type { z } from 'zod';
import type { Links } from './links';

/** Who is calling: a user, with their current role, through a token or a session. */
export interface McpCaller {
  userId: number;
  username: string;
  role: Role;
  /** `read`: a read-only token, which sees the read tools only */
  scope: 'full' | 'read';
  /** the token, when the caller came with one (for the audit log) */
  tokenId?: number;
}

/**
 * `read`: reads pgvigil's own datastore. `act`: does something elsewhere (opens a
 * session to a monitored server), so read-only tokens never see it.
 */
export const TOOL_ACCESS = ['read', 'act'] as const;
export type ToolAccess = (typeof TOOL_ACCESS)[number];

export interface ToolContext {
  db: Db;
  /** the call's time: the one clock read, passed down */
  at: Date;
  links: Links;
  /** opens stored server secrets; only the `act` tools ask for it */
  secretBox: () => Promise<SecretBox>;
}

/** A tool's answer: one line for people, the data for programs, and where to look in the UI. */
export interface ToolResult {
  summary: string;
  data: Record<string, unknown>;
  links: { label: string; url: string }[];
}

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  minRole: Role;
  access: ToolAccess;
  input: S;
  /** arguments shown in docs/mcp.md */
  example: z.input<S>;
  run(ctx: ToolContext, input: z.output<S>): Promise<ToolResult>;
}

/** Keeps each tool's input and run function typed together. */
export const defineTool = <S extends z.ZodObject>(def: ToolDef<S>): ToolDef =>
  def as unknown as ToolDef;

/** A failure the caller can act on; its message reaches the client as a tool error. */
export class ToolError extends AppError {
  constructor(message: string, hint?: string) {
    super('validation_failed', message, hint);
  }
}
