/** Small JSON/text calls to a server under test (control endpoints, not load). */

/** GET `url` as text; throws on a non-2xx answer. */
export async function getText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

/** GET `url` as JSON; throws on a non-2xx answer. */
export async function getJson<T>(url: string): Promise<T> {
  return JSON.parse(await getText(url)) as T;
}

/** POST a JSON body; returns status and parsed answer (throws only on a transport error). */
export async function postJson<T = unknown>(
  url: string,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** POST a JSON body that must succeed; throws naming the endpoint otherwise. */
export async function postOk<T = unknown>(url: string, body: unknown): Promise<T> {
  const answer = await postJson<T>(url, body);
  if (answer.status < 200 || answer.status >= 300)
    throw new Error(`POST ${url}: HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
  return answer.body;
}
