/**
 * @module logic/limited-body
 * Reads a byte stream as UTF-8 text, but never more than a limit: reading stops (and the
 * stream is cancelled) as soon as the limit is passed, so an oversized or endless body costs
 * at most the limit. An abort signal stops a stalled stream. Web-standard streams only.
 */

export type LimitedText = { ok: true; text: string } | { ok: false; reason: 'too-large' };

/**
 * The stream's text, or `too-large` once more than `maxBytes` arrived.
 * @throws the signal's reason when it aborts before the stream ends.
 */
export async function readLimitedText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<LimitedText> {
  if (!body) return { ok: true, text: '' };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (!signal) return;
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return { ok: false, reason: 'too-large' };
      chunks.push(value);
    }
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(all) };
}
