/**
 * @module storage/multipart-stream
 * Reads an S3-style POST form (`multipart/form-data`, RFC 7578) as a stream: the text fields
 * before the `file` part are read into memory (at most `maxFieldsBytes` of body), then the file
 * is handed over as a stream of its bytes, pulled from the request body only as fast as the
 * consumer reads it. So the local store can check the signed fields before any byte of the file
 * is read, and write the file to disk without ever holding it whole. As S3, fields after the
 * file are ignored (the body is not read past the file). Web-standard streams only.
 */
import { InvalidInputError, PayloadTooLargeError } from '../core/errors.ts';

/** The fields before the file, and the file's bytes. */
export interface StreamedForm {
  fields: Record<string, string>;
  file: ReadableStream<Uint8Array>;
}

const MALFORMED = 'Expected multipart/form-data with the fields, then a file field';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF = encoder.encode('\r\n');
const HEADERS_END = encoder.encode('\r\n\r\n');

/** The boundary of a `multipart/form-data` content type, or undefined for any other type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Index of `needle` in `hay` at or after `from`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  if (first === undefined) return -1; // never: the needle is a multipart delimiter
  for (
    let at = hay.indexOf(first, from);
    at >= 0 && at + needle.length <= hay.length;
    at = hay.indexOf(first, at + 1)
  ) {
    let i = 1;
    while (i < needle.length && hay[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

/** The body's bytes, pulled chunk by chunk on demand. */
class Buffered {
  bytes: Uint8Array = new Uint8Array(0);
  constructor(readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Appends the next chunk; false at the end of the body. */
  async more(): Promise<boolean> {
    const { done, value } = await this.reader.read();
    if (done) return false;
    if (this.bytes.length === 0) {
      this.bytes = value;
      return true;
    }
    const joined = new Uint8Array(this.bytes.length + value.length);
    joined.set(this.bytes);
    joined.set(value, this.bytes.length);
    this.bytes = joined;
    return true;
  }

  take(n: number): Uint8Array {
    const head = this.bytes.subarray(0, n);
    this.bytes = this.bytes.subarray(n);
    return head;
  }
}

/** `name` and whether it is a file, from one part's headers. */
function partName(headerText: string): { name: string; isFile: boolean } {
  const disposition = headerText.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line));
  const name = disposition && /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined || name === null) throw new InvalidInputError(MALFORMED);
  return { name, isFile: /;\s*filename=/i.test(disposition ?? '') };
}

/**
 * Reads the fields of `body` up to the part named `file` (or the first part with a file name),
 * and returns them with the file's bytes as a stream; stops reading there.
 * @throws InvalidInputError for a body that is not such a form; PayloadTooLargeError when the
 *         fields take more than `maxFieldsBytes`.
 */
export async function readFieldsThenFile(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  maxFieldsBytes: number,
): Promise<StreamedForm> {
  const reader = body.getReader();
  const input = new Buffered(reader);
  const delimiter = encoder.encode(`--${boundary}`);
  const partEnd = encoder.encode(`\r\n--${boundary}`);
  let consumed = 0;
  /** Reads until `needle` is buffered; its index. */
  const find = async (needle: Uint8Array): Promise<number> => {
    for (;;) {
      const at = indexOf(input.bytes, needle);
      if (at >= 0) return at;
      if (consumed + input.bytes.length > maxFieldsBytes)
        throw new PayloadTooLargeError(`The form fields before the file take more than ${maxFieldsBytes} bytes`);
      if (!(await input.more())) throw new InvalidInputError(MALFORMED);
    }
  };
  const skip = (n: number): void => {
    consumed += n;
    input.take(n);
  };
  try {
    skip((await find(delimiter)) + delimiter.length);
    const fields: Record<string, string> = {};
    for (;;) {
      // After a delimiter: CRLF and a part, or `--` and the end (no file).
      const lineEnd = await find(CRLF);
      if (lineEnd !== 0) throw new InvalidInputError(MALFORMED);
      skip(CRLF.length);
      const headersEnd = await find(HEADERS_END);
      const { name, isFile } = partName(decoder.decode(input.take(headersEnd)));
      skip(HEADERS_END.length); // `take` above moved past the headers already
      consumed += headersEnd;
      if (name === 'file' || isFile) return { fields, file: fileStream(input, partEnd) };
      const valueEnd = await find(partEnd);
      fields[name] = decoder.decode(input.take(valueEnd));
      consumed += valueEnd;
      skip(partEnd.length);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  }
}

/** The file part's bytes: everything up to the next delimiter, pulled on demand. */
function fileStream(input: Buffered, partEnd: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const at = indexOf(input.bytes, partEnd);
          if (at >= 0) {
            if (at > 0) controller.enqueue(input.take(at));
            controller.close();
            await input.reader.cancel().catch(() => undefined); // fields after the file are ignored
            return;
          }
          // Keep what could be the start of the delimiter; hand over the rest.
          const safe = input.bytes.length - (partEnd.length - 1);
          if (safe > 0) {
            controller.enqueue(input.take(safe));
            return;
          }
          if (!(await input.more())) {
            controller.error(new InvalidInputError('The upload ended before the end of the file part'));
            return;
          }
        }
      },
      cancel(reason) {
        return input.reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
