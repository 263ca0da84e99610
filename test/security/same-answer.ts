/**
 * Comparing whole answers for the "refusals reveal nothing" tests: status, body and every header
 * except those that differ per request whatever is asked (request id, date), with what the
 * caller sent itself (a PFN, a stamp) replaced by a placeholder, so that two answers compare
 * equal exactly when they tell the caller nothing more than its own request.
 */

/** An answer reduced to what a caller can compare. */
export interface Answer {
  status: number;
  body: string;
  headers: [string, string][];
}

const PER_REQUEST = new Set(['x-request-id', 'date']);

/** `res` as an `Answer`, each of `echoed` (texts from the request) replaced by `<echo>`. */
export async function answerOf(res: Response, echoed: readonly string[] = []): Promise<Answer> {
  let body = await res.text();
  for (const text of echoed) body = body.split(text).join('<echo>');
  const headers = [...res.headers]
    .filter(([name]) => !PER_REQUEST.has(name.toLowerCase()))
    .sort(([a], [b]) => a.localeCompare(b));
  return { status: res.status, body, headers };
}
