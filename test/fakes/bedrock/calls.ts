/** The fake Bedrock's call log entries, and what tests read out of them. */

export interface ConverseBody {
  modelId?: unknown;
  messages?: { role?: string; content?: { text?: string }[] }[];
  system?: { text?: string }[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number };
}

export interface FakeCall {
  /** Decoded model id from the path. */
  modelId: string;
  /** Raw request path, as sent. */
  path: string;
  /** `1.1` or `2.0`. */
  httpVersion: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: ConverseBody | undefined;
  /** What the fake answered: `text`, an exception name, or `hang`. */
  answered: string;
}

/** The prompt a call carried: system text, then each message's text, in order. */
export function promptOf(call: FakeCall): string {
  const system = (call.body?.system ?? []).map((s) => s.text ?? '');
  const messages = (call.body?.messages ?? []).flatMap((m) => (m.content ?? []).map((c) => c.text ?? ''));
  return [...system, ...messages].join('\n');
}

/** The first user message of a call: the fix prompt itself (without the system instructions). */
export function userPromptOf(call: FakeCall): string {
  return (call.body?.messages?.[0]?.content ?? []).map((c) => c.text ?? '').join('\n');
}

/** The target block as the adapter's prompt shows it: the fence after "## Target block". */
export function targetBlockOf(call: FakeCall): string {
  const match = /## Target block: [^\n]*\n```hcl\n([\s\S]*?)\n```/.exec(userPromptOf(call));
  if (match?.[1] === undefined) throw new Error('the call carries no target block');
  return match[1];
}
