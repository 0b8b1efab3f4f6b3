/**
 * git smart HTTP through `git http-backend` run as a CGI program, as Apache or nginx would: the request line and
 * headers become CGI variables, the body goes to stdin, and the CGI output (headers, blank line, body) becomes the
 * response. Clone, fetch and push (receive-pack, enabled with `http.receivepack`) all work against the bare repos.
 * The Authorization header is deliberately NOT passed to the CGI: nothing the fake spawns ever sees a token.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';

export interface CgiRequest {
  projectRoot: string;
  /** Path below the project root, e.g. `/octo/infra.git/info/refs`. */
  pathInfo: string;
  query: string;
  body: Buffer;
}

/** Runs `git http-backend` for one request and writes its answer to `res`. */
export function runHttpBackend(req: IncomingMessage, res: ServerResponse, cgi: CgiRequest): Promise<number> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    // Push support without touching the repositories' own config.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: cgi.pathInfo,
    QUERY_STRING: cgi.query,
    CONTENT_LENGTH: String(cgi.body.length),
    REMOTE_USER: 'fake-user',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) env.CONTENT_TYPE = contentType;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.HTTP_GIT_PROTOCOL = protocol;

  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: 'pipe' });
    let head = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    const stderr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (end === undefined) return;
      headersDone = true;
      const lines = head.subarray(0, end.index).toString('latin1').split(/\r?\n/);
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      res.write(head.subarray(end.index + end.length));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!headersDone) {
        res.statusCode = 500;
        res.end(`http-backend failed (${String(code)}): ${Buffer.concat(stderr).toString('utf8')}`);
        resolve(500);
        return;
      }
      res.end();
      resolve(status);
    });
    child.stdin.on('error', () => undefined); // the backend may exit before reading a rejected body
    child.stdin.end(cgi.body);
  });
}

function headerEnd(buf: Buffer): { index: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}
