/**
 * @module logic/auth/uuid7
 * UUID version 7 (RFC 9562 §5.7), the format of every DiracX token `jti` and authorization
 * flow id: the first 48 bits are the Unix time in milliseconds, so ids sort by creation time
 * and a token's creation time can be read back from its `jti` (DiracX's `uuid7_to_datetime`).
 * Time and randomness are passed in; Web Crypto only.
 */
import { InvalidInputError } from '../../core/errors.ts';

/** Random bytes from Web Crypto. */
function cryptoRandom(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

const MAX_UNIX_MS = 2 ** 48 - 1;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A new uuid7 for `now`, lower-case and hyphenated. Ids of later milliseconds sort after
 * earlier ones; within one millisecond the order is random (RFC 9562 method: no counter).
 * @throws RangeError when `now` is invalid or outside 1970..10889.
 */
export function newUuid7(now: Date, random: (n: number) => Uint8Array = cryptoRandom): string {
  const ms = now.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_UNIX_MS) {
    throw new RangeError(`Time ${String(now)} cannot be encoded in a uuid7`);
  }
  const rand = random(10);
  if (rand.length < 10) throw new RangeError('random() returned fewer bytes than requested');
  const bytes = new Uint8Array(16);
  // 48-bit big-endian millisecond timestamp; arithmetic because bit operators are 32-bit.
  for (let i = 5, t = ms; i >= 0; i--, t = Math.floor(t / 256)) bytes[i] = t % 256;
  bytes.set(rand.subarray(0, 10), 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f); // version 7
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f); // variant 10 (RFC 9562)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The creation time embedded in a uuid7, to the millisecond.
 * @throws InvalidInputError when `uuid` is not a UUID, or not a version 7 one (DiracX raises
 * `ValueError` with these messages).
 */
export function uuid7Time(uuid: string): Date {
  if (!UUID_PATTERN.test(uuid)) throw new InvalidInputError('badly formed hexadecimal UUID string');
  if (uuid[14] !== '7') throw new InvalidInputError(`UUID ${uuid} is not a UUIDv7`);
  return new Date(Number.parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16));
}
