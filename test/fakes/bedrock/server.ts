/**
 * A fake Bedrock Runtime: a real HTTP server speaking what @aws-sdk/client-bedrock-runtime sends and expects for
 * Converse (protocols.md §2). One port serves both HTTP/2 cleartext (h2c, prior knowledge: the SDK's default
 * NodeHttp2Handler) and HTTP/1.1 (NodeHttpHandler); the first bytes of a connection decide. It
 * - routes `POST /model/{modelId}/converse`, decoding the model id segment (`:` arrives as %3A, an ARN's `/` as %2F);
 * - insists on SigV4 (an `AWS4-HMAC-SHA256` authorization header and x-amz-date; signatures are not verified);
 * - checks the body as Bedrock does (alternating roles starting with the user, no blank text, not both
 *   temperature and topP) and refuses bare ids of profile-only models with the on-demand ValidationException;
 * - answers errors the rest-json way: `x-amzn-errortype` header and/or `__type` body, JSON `message`, a request id;
 * - replays scripted replies in order and logs every call (model id, protocol, headers, body) for assertions.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { type ConverseBody, type FakeCall, promptOf } from './calls.js';
import { onDemandRefusal, type Reply, type ScriptedReply } from './replies.js';

export { type ConverseBody, type FakeCall, promptOf, targetBlockOf, userPromptOf } from './calls.js';

export interface FakeBedrockOptions {
  port?: number;
  host?: string;
  /** Bare model ids Bedrock serves on demand only through an inference profile (default: Claude 4 and later). */
  profileOnly?: RegExp;
  /** Answer when the script is empty (default: a ServiceUnavailableException saying so). */
  fallback?: ScriptedReply;
  /** Called once a call has been answered (the standalone fake prints it). */
  onCall?: (call: FakeCall) => void;
}

export interface FakeBedrock {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint`. */
  readonly url: string;
  readonly calls: readonly FakeCall[];
  /** Appends replies, answered one per call in order. */
  script(...replies: ScriptedReply[]): void;
  /** Replies not yet used. */
  pending(): number;
  /** Forgets the call log and the script. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_PROFILE_ONLY = /^anthropic\.claude-(?:opus|sonnet|haiku)-4/;

const ERROR_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/** Why Bedrock would refuse the body, as its ValidationException says, or undefined. */
function invalidBody(body: ConverseBody, modelId: string): string | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: must not be empty';
  for (const [i, m] of messages.entries()) {
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (m.role !== expected)
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    if (
      !Array.isArray(m.content) ||
      m.content.some((c) => typeof c.text !== 'string' || c.text.trim() === '')
    )
      return `The text field in the ContentBlock object at messages.${i}.content.0 is blank. Add text to the text field, and try again.`;
  }
  if (messages.at(-1)?.role !== 'user') return 'The final message must be from the user.';
  const config = body.inferenceConfig ?? {};
  if (config.temperature !== undefined && config.topP !== undefined && /claude-.*4-5/.test(modelId))
    return 'temperature and top_p cannot both be specified for this model. Please use only one.';
  return undefined;
}

/** Starts the fake on 127.0.0.1 (port 0 = any free port). */
export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  const calls: FakeCall[] = [];
  const queue: ScriptedReply[] = [];
  const profileOnly = options.profileOnly ?? DEFAULT_PROFILE_ONLY;
  const hanging = new Set<AnyResponse>();

  function send(res: AnyResponse, status: number, headers: Record<string, string>, body: string): void {
    const payload = Buffer.from(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(payload.length),
      'x-amzn-requestid': randomUUID(),
      ...headers,
    });
    res.end(payload);
  }

  function sendError(res: AnyResponse, reply: Extract<Reply, { kind: 'error' }>): void {
    const where = reply.typeIn ?? 'header';
    const headers: Record<string, string> = { ...reply.headers };
    if (where !== 'body') headers['x-amzn-errortype'] = `${reply.type}:${ERROR_NAMESPACE}`;
    const body: Record<string, string> = { message: reply.message };
    if (where !== 'header') body.__type = `com.amazon.bedrock#${reply.type}`;
    send(res, reply.status, headers, JSON.stringify(body));
  }

  function answer(res: AnyResponse, call: FakeCall, scripted: ScriptedReply): void {
    respond(res, call, scripted);
    options.onCall?.(call);
  }

  function respond(res: AnyResponse, call: FakeCall, scripted: ScriptedReply): void {
    let reply: Reply;
    try {
      reply = typeof scripted === 'function' ? scripted(call) : scripted;
    } catch (error) {
      // A broken script must fail the test at once, not leave the client waiting.
      reply = {
        kind: 'error',
        status: 500,
        type: 'InternalServerException',
        message: `fake: ${String(error)}`,
      };
    }
    if (reply.kind === 'hang') {
      call.answered = 'hang';
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (reply.kind === 'error') {
      call.answered = reply.type;
      sendError(res, reply);
      return;
    }
    call.answered = 'text';
    const usage = reply.usage ?? {
      inputTokens: Math.ceil(promptOf(call).length / 4),
      outputTokens: Math.ceil(reply.text.length / 4),
    };
    send(
      res,
      200,
      {},
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: reply.text }] } },
        stopReason: reply.stopReason ?? 'end_turn',
        usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
        metrics: { latencyMs: 1 },
      }),
    );
  }

  function handle(req: AnyRequest, res: AnyResponse, raw: string): void {
    const path = req.url ?? '/';
    const segments = path.split('?')[0]?.split('/') ?? [];
    // ['', 'model', '<encoded id>', 'converse']: split first, then decode, since an ARN's '/' is %2F.
    if (
      req.method !== 'POST' ||
      segments.length !== 4 ||
      segments[1] !== 'model' ||
      segments[3] !== 'converse'
    ) {
      sendError(res, { kind: 'error', status: 404, type: 'UnknownOperationException', message: 'Not found' });
      return;
    }
    let modelId: string;
    try {
      modelId = decodeURIComponent(segments[2] ?? '');
    } catch {
      sendError(res, { kind: 'error', status: 400, type: 'ValidationException', message: 'Bad model id' });
      return;
    }
    let body: ConverseBody | undefined;
    try {
      body = JSON.parse(raw) as ConverseBody;
    } catch {
      body = undefined;
    }
    const headers = { ...req.headers };
    const call: FakeCall = { modelId, path, httpVersion: req.httpVersion, headers, body, answered: '' };
    calls.push(call);
    const auth = headers.authorization;
    if (
      typeof auth !== 'string' ||
      !auth.startsWith('AWS4-HMAC-SHA256 Credential=') ||
      !headers['x-amz-date']
    ) {
      answer(res, call, {
        kind: 'error',
        status: 403,
        type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
      return;
    }
    if (body === undefined || typeof body !== 'object' || !String(headers['content-type']).includes('json')) {
      answer(res, call, {
        kind: 'error',
        status: 400,
        type: 'SerializationException',
        message: 'Invalid JSON',
      });
      return;
    }
    const invalid = invalidBody(body, modelId);
    if (invalid !== undefined) {
      answer(res, call, { kind: 'error', status: 400, type: 'ValidationException', message: invalid });
      return;
    }
    const bare = modelId.startsWith('arn:') ? modelId.split('foundation-model/')[1] : modelId;
    if (bare !== undefined && profileOnly.test(bare)) {
      answer(res, call, onDemandRefusal(modelId));
      return;
    }
    const next = queue.shift() ??
      options.fallback ?? {
        kind: 'error',
        status: 503,
        type: 'ServiceUnavailableException',
        message: 'fake Bedrock: no scripted reply left',
      };
    answer(res, call, next);
  }

  const onRequest = (req: AnyRequest, res: AnyResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const h1 = http.createServer((req, res) => onRequest(req, res));
  const h2 = http2.createServer((req, res) => onRequest(req, res));
  const sockets = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // HTTP/2 with prior knowledge opens with "PRI * HTTP/2.0"; no HTTP/1.1 method starts with "PRI".
      // The http2 session takes over the socket's native handle and first drains what is buffered (the
      // unshifted bytes); resuming the JS stream then would race it. The HTTP/1.1 parser reads the JS stream.
      if (first.subarray(0, 3).toString('latin1') === 'PRI') h2.emit('connection', socket);
      else {
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = front.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    calls,
    script: (...replies) => {
      queue.push(...replies);
    },
    pending: () => queue.length,
    reset: () => {
      calls.length = 0;
      queue.length = 0;
    },
    close: async () => {
      hanging.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      h1.close();
      h2.close();
    },
  };
}
