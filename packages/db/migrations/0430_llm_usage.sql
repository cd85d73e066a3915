-- Tokens each user's questions to the optional language model cost (the Ask panel):
-- one row per question, so usage can be summed per user and period.
CREATE TABLE llm_usage (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  model text NOT NULL,
  prompt_tokens integer NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens integer NOT NULL CHECK (completion_tokens >= 0),
  tool_calls integer NOT NULL CHECK (tool_calls >= 0)
);
CREATE INDEX llm_usage_user_at ON llm_usage (user_id, at);
