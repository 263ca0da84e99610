/**
 * @module db/mysql/jdl-text
 * How DiracX stores a JDL in `JobJDLs` (DIRAC's `compressJDL`/`extractJDL`): the text
 * zlib-compressed, then base64; a stored value that starts with `[` is a plain JDL (DIRAC's
 * older rows) and is read as it is. Web-standard (`CompressionStream('deflate')` is zlib's
 * format), so the request path may use it.
 */

async function through(stream: CompressionStream | DecompressionStream, bytes: Uint8Array): Promise<Uint8Array> {
  const piped = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** DIRAC's `compressJDL`: base64 of the zlib-compressed UTF-8 text. */
export async function compressJdl(jdl: string): Promise<string> {
  return toBase64(await through(new CompressionStream('deflate'), new TextEncoder().encode(jdl)));
}

/** DIRAC's `extractJDL`: a plain JDL as it is, otherwise base64-decoded and inflated. */
export async function extractJdl(stored: string): Promise<string> {
  if (stored.startsWith('[') || stored === '') return stored;
  const bytes = Uint8Array.from(atob(stored), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(await through(new DecompressionStream('deflate'), bytes));
}
