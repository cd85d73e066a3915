import { NotFoundError } from '@pgvigil/db';
import { recordLlmUsage } from '@pgvigil/db/accounts';
import { ask } from '@pgvigil/mcp';
import { postAsk } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { llmConfig } from '@/server/env';
import { mcpContext } from '@/server/mcp-context';

export const dynamic = 'force-dynamic';

/** The Ask panel: the language model answers through the MCP tools, as the caller. */
export const POST = withAuth(
  'viewer',
  async (req) => {
    const body = await readBody(req.request, postAsk);
    const llm = llmConfig();
    if (!llm)
      throw new NotFoundError(
        'The assistant',
        'It is off: set PGVIGIL_LLM_BASE_URL and PGVIGIL_LLM_MODEL (see docs/mcp.md).',
      );
    const result = await ask(mcpContext(req, 'ask'), llm, body);
    if (result.usage.promptTokens || result.usage.completionTokens || result.steps.length)
      await recordLlmUsage(db(), {
        userId: req.user.id,
        at: req.at,
        model: llm.model,
        promptTokens: result.usage.promptTokens,
        completionTokens: result.usage.completionTokens,
        toolCalls: result.steps.length,
      });
    return reply(postAsk, result);
  },
  // a read-only token may ask: the tools it gets are the read tools
  { scopeCheckedByHandler: true },
);
