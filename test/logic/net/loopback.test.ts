import { describe, expect, it } from 'bun:test';
import { isLoopbackAddress, isLoopbackHostname, isLoopbackUrl } from '../../../src/logic/net/loopback.ts';

describe('loopback', () => {
  it.each(['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'localhost.'])(
    '%s is this computer',
    (host) => expect(isLoopbackHostname(host)).toBe(true),
  );

  it.each(['localhost.example.org', '128.0.0.1', '10.0.0.1', '[::2]', '127.0.0.256', '0.0.0.0', 'example.org'])(
    '%s is not',
    (host) => expect(isLoopbackHostname(host)).toBe(false),
  );

  it('reads peer addresses, IPv4-mapped ones included', () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['192.0.2.7', '::ffff:192.0.2.7', 'unknown', ''].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('accepts http(s) URLs on a loopback host only', () => {
    expect(isLoopbackUrl('http://localhost:8000/x')).toBe(true);
    expect(isLoopbackUrl('https://127.0.0.1')).toBe(true);
    expect(isLoopbackUrl('ftp://localhost/')).toBe(false);
    expect(isLoopbackUrl('http://localhost@evil.example/')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});
