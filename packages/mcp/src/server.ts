// The MCP server over one HTTP request: stateless Streamable HTTP, JSON answers.
// Built per request because what a caller sees (tools/list) depends on who they are.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { callTool, type CallContext, type ToolOutcome } from './call-tool';
import { toolsFor } from './registry';
import type { ToolDef } from './tool';

export const MCP_SERVER_NAME = 'pgvigil';
export const MCP_SERVER_VERSION = '1.0.0';

/** A tool as tools/list shows it: its zod input as JSON Schema, read-only hints. */
export function toolListing(t: ToolDef): Tool {
  const { $schema: _s, ...schema } = z.toJSONSchema(t.input, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: schema as Tool['inputSchema'],
    annotations: {
      title: t.title,
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: t.access === 'act',
    },
  };
}

export function toCallToolResult(o: ToolOutcome): CallToolResult {
  if (o.isError) return { isError: true, content: [{ type: 'text', text: o.message }] };
  return {
    content: [{ type: 'text', text: `${o.summary}\n\n${JSON.stringify(o.structured)}` }],
    structuredContent: o.structured,
  };
}

export function createMcpServer(ctx: CallContext): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'pgvigil monitors PostgreSQL servers. Start with fleet_status or list_servers for server ids, list_alerts for alert ids; every answer links back to the dashboard.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: toolsFor(ctx.caller).map(toolListing),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) =>
    toCallToolResult(await callTool(ctx, request.params.name, request.params.arguments)),
  );
  return server;
}

/** Answers one POST to the MCP endpoint whose JSON body was already read and checked. */
export async function handleMcpPost(
  request: Request,
  body: unknown,
  ctx: CallContext,
): Promise<Response> {
  const server = createMcpServer(ctx);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody: body });
  } finally {
    await transport.close();
    await server.close();
  }
}
