// The Ask panel's loop: the language model may only call the MCP tools, through
// callTool, with the asking user's own role and scope; each call is audited and
// shown. The model summarises; the facts come from the tools.
import { callTool, type CallContext } from '../call-tool';
import { toolsFor } from '../registry';
import { toolListing } from '../server';
import { postChat, LlmUnavailableError, type LlmConfig } from './chat-client';
import { chatCompletion, type ChatMessage } from './wire';

export { LlmUnavailableError, type LlmConfig } from './chat-client';

export interface AskInput {
  question: string;
  /** what the user is looking at: the panel's page */
  serverId?: number | undefined;
  alertId?: number | undefined;
}

export interface AskStep {
  tool: string;
  arguments: unknown;
  isError: boolean;
  /** the tool's one-line summary, or its error */
  summary: string;
}

export interface AskResult {
  ok: boolean;
  answer: string | null;
  /** why there is no answer, in words for the user */
  message: string | null;
  steps: AskStep[];
  usage: { promptTokens: number; completionTokens: number };
}

/** Rounds of tool calls before the loop gives up. */
export const MAX_ROUNDS = 6;
/** Most characters of one tool result passed back to the model. */
const MAX_RESULT_CHARS = 24_000;

function systemPrompt(input: AskInput): string {
  return [
    "You are pgvigil's assistant for PostgreSQL DBAs and on-call engineers.",
    'Answer only from what the tools return; call them to find out. Never invent numbers.',
    'Answer in one short paragraph, then the dashboard links that show the evidence.',
    ...(input.serverId ? [`The user is looking at server ${input.serverId}.`] : []),
    ...(input.alertId ? [`The user is looking at alert ${input.alertId}.`] : []),
  ].join(' ');
}

export async function ask(ctx: CallContext, llm: LlmConfig, input: AskInput): Promise<AskResult> {
  const tools = toolsFor(ctx.caller).map((t) => {
    const l = toolListing(t);
    return {
      type: 'function',
      function: { name: l.name, description: l.description, parameters: l.inputSchema },
    };
  });
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(input) },
    { role: 'user', content: input.question },
  ];
  const steps: AskStep[] = [];
  const usage = { promptTokens: 0, completionTokens: 0 };
  const stop = (message: string): AskResult => ({ ok: false, answer: null, message, steps, usage });
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let raw: unknown;
    try {
      raw = await postChat(llm, { model: llm.model, messages, tools, tool_choice: 'auto' });
    } catch (err) {
      if (err instanceof LlmUnavailableError) return stop(err.message);
      throw err;
    }
    const parsed = chatCompletion.safeParse(raw);
    if (!parsed.success)
      return stop('The language model answered something that is not a chat completion.');
    usage.promptTokens += parsed.data.usage?.prompt_tokens ?? 0;
    usage.completionTokens += parsed.data.usage?.completion_tokens ?? 0;
    const message = parsed.data.choices[0]!.message;
    const calls = message.tool_calls ?? [];
    if (calls.length === 0)
      return {
        ok: true,
        answer: message.content?.trim() || '(no answer)',
        message: null,
        steps,
        usage,
      };
    messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
    for (const call of calls) {
      let args: unknown;
      try {
        args = JSON.parse(call.function.arguments || '{}');
      } catch {
        args = undefined;
      }
      const outcome =
        args === undefined
          ? ({ isError: true, message: 'The arguments are not valid JSON.' } as const)
          : await callTool(ctx, call.function.name, args);
      steps.push({
        tool: call.function.name,
        arguments: args ?? call.function.arguments,
        isError: outcome.isError,
        summary: outcome.isError ? outcome.message : outcome.summary,
      });
      const content = outcome.isError
        ? `Error: ${outcome.message}`
        : `${outcome.summary}\n${JSON.stringify(outcome.structured)}`;
      messages.push({
        role: 'tool',
        tool_call_id: call.id,
        content: content.slice(0, MAX_RESULT_CHARS),
      });
    }
  }
  return stop(
    `The language model was still calling tools after ${MAX_ROUNDS} rounds; ask a narrower question.`,
  );
}
