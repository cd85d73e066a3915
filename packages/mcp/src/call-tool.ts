// One tool call, whoever makes it (an MCP client, the Ask panel): the caller's role
// and scope are checked, the arguments parsed, the call audited with the tool's name.
import { AppError } from '@pgvigil/db';
import type { McpCaller, ToolContext } from './tool';
import { findTool, refusal, TOOLS } from './registry';

export interface CallContext extends ToolContext {
  caller: McpCaller;
  /** writes one audit entry for the call; details hold no argument values */
  audit(tool: string, details: Record<string, unknown>): Promise<void>;
}

export type ToolOutcome =
  | { isError: false; summary: string; structured: Record<string, unknown> }
  | { isError: true; message: string };

/** Dates as ISO text, undefined dropped: what the client will see. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

export async function callTool(
  ctx: CallContext,
  name: string,
  args: unknown,
): Promise<ToolOutcome> {
  const tool = findTool(name);
  const fail = async (message: string, details: Record<string, unknown>): Promise<ToolOutcome> => {
    await ctx.audit(name.slice(0, 100), { ok: false, ...details });
    return { isError: true, message };
  };
  if (!tool)
    return fail(
      `No tool is named ${name.slice(0, 100)}. Tools: ${TOOLS.map((t) => t.name).join(', ')}.`,
      {
        error: 'unknown_tool',
      },
    );
  const refused = refusal(ctx.caller, tool);
  if (refused) return fail(refused, { error: 'forbidden' });
  const given = args ?? {};
  const unknown =
    typeof given === 'object' && !Array.isArray(given)
      ? Object.keys(given).filter((k) => !(k in tool.input.shape))
      : [];
  const parsed = tool.input.safeParse(given);
  if (!parsed.success || unknown.length > 0) {
    const problems = [
      ...unknown.map((k) => `${k}: not an argument of ${tool.name}`),
      ...(parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`)),
    ];
    return fail(
      `Invalid arguments for ${tool.name}: ${problems.join('; ')}. Arguments: ${Object.keys(tool.input.shape).join(', ') || 'none'}.`,
      { error: 'invalid_arguments' },
    );
  }
  try {
    const result = await tool.run(ctx, parsed.data);
    await ctx.audit(tool.name, { ok: true });
    return {
      isError: false,
      summary: result.summary,
      structured: plain({ ...result.data, links: result.links }),
    };
  } catch (err) {
    if (err instanceof AppError)
      return fail(`${err.message}${err.hint ? ` (${err.hint})` : ''}`, { error: err.code });
    console.error(`mcp: ${tool.name} failed:`, err instanceof Error ? err.message : err);
    return fail(`${tool.name} failed on the server; the error is logged there.`, {
      error: 'internal',
    });
  }
}
