// pgvigil's MCP server: tools over the datastore (and EXPLAIN on a monitored
// server), each checking the caller's role and token scope; the web app's route
// and the Ask panel are thin adapters over callTool and handleMcpPost.
export * from './tool';
export * from './links';
export { TOOLS, findTool, refusal, toolsFor } from './registry';
export { callTool, type CallContext, type ToolOutcome } from './call-tool';
export {
  createMcpServer,
  handleMcpPost,
  toolListing,
  toCallToolResult,
  MCP_SERVER_NAME,
  MCP_SERVER_VERSION,
} from './server';
export { alertContext } from './tools/alert-context';
export { EXPLAIN_STATEMENT_TIMEOUT_MS } from './tools/explain';
export {
  ask,
  MAX_ROUNDS,
  LlmUnavailableError,
  type AskInput,
  type AskResult,
  type AskStep,
  type LlmConfig,
} from './ask/ask';
