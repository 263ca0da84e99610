/**
 * Who the caller is for rate limits: the peer, or behind a trusted proxy the right-most
 * X-Forwarded-For entry that is not a trusted proxy (entries to its left are client-written).
 */
import { describe, expect, it } from 'bun:test';
import { clientAddress } from '../../src/routes/client-address.ts';

const TRUSTED = ['127.0.0.1', '10.0.0.5'];

describe('clientAddress', () => {
  it('is the peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('198.51.100.7', '192.0.2.1', TRUSTED)).toBe('198.51.100.7');
  });

  it('is the right-most untrusted X-Forwarded-For entry behind trusted proxies', () => {
    expect(clientAddress('127.0.0.1', 'spoofed, 192.0.2.1, 10.0.0.5', TRUSTED)).toBe('192.0.2.1');
  });

  it('is the peer without X-Forwarded-For, and "unknown" without connection info', () => {
    expect(clientAddress('127.0.0.1', undefined, TRUSTED)).toBe('127.0.0.1');
    expect(clientAddress(undefined, '192.0.2.1', TRUSTED)).toBe('unknown');
  });
});
