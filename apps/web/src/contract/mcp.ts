// The MCP endpoint: JSON-RPC 2.0 messages of the Model Context Protocol (Streamable HTTP, stateless).
import { z } from 'zod';
import { id } from './common';
import { endpoint } from './endpoint';

/** One JSON-RPC 2.0 message: a request, a notification or a response. */
export const jsonRpcMessage = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z
      .union([z.string().max(200), z.number().int()])
      .nullable()
      .optional(),
    method: z.string().min(1).max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
    error: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((m) => m.method !== undefined || m.id !== undefined, {
    message: 'a JSON-RPC message has a method (request, notification) or an id (response)',
  })
  .meta({ id: 'JsonRpcMessage' });

export const postMcp = endpoint({
  method: 'POST',
  path: '/mcp',
  access: 'viewer',
  tag: 'MCP',
  summary:
    'The MCP server (Streamable HTTP, stateless, JSON answers) for AI clients, with an API token. tools/list shows the tools the token may use: read-only tokens and viewers see the read tools, editors and admins with a full token also explain_query and readiness. Every tools/call is audited as mcp.call with the tool name. See docs/mcp.md.',
  body: jsonRpcMessage,
  response: z.record(z.string(), z.unknown()),
});

export const askStep = z
  .object({
    tool: z.string(),
    arguments: z.unknown(),
    isError: z.boolean(),
    summary: z.string(),
  })
  .meta({ id: 'AskStep' });

export const postAsk = endpoint({
  method: 'POST',
  path: '/ask',
  access: 'viewer',
  tag: 'MCP',
  summary:
    "Asks the optional language model a question (the Ask panel). It may only call the MCP tools, with the caller's own role and token scope; each call is audited and listed in `steps`. Token usage is recorded per user. 404 while PGVIGIL_LLM_BASE_URL and PGVIGIL_LLM_MODEL are unset; an unreachable or slow model is a 200 with ok: false and a message.",
  body: z.strictObject({
    question: z.string().trim().min(1).max(2000),
    serverId: id.optional(),
    alertId: id.optional(),
  }),
  response: z.object({
    ok: z.boolean(),
    answer: z.string().nullable(),
    message: z.string().nullable(),
    steps: z.array(askStep),
    usage: z.object({ promptTokens: z.number(), completionTokens: z.number() }),
  }),
});
