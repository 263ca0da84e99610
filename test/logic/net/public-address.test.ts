/**
 * The public-address decision behind the server-side request forgery guard: every IANA
 * special-purpose IPv4 and IPv6 range (and the embeddings of IPv4 in IPv6) is refused and
 * named, public unicast addresses pass, and text that is not a canonical address is refused.
 */
import { describe, expect, it } from 'bun:test';
import {
  findSpecialRange,
  isIpLiteralHost,
  isPublicAddress,
  parseIpv4,
  parseIpv6,
} from '../../../src/logic/net/public-address.ts';

/** [address, the range it must be refused as (a substring of the name)]. */
const NON_PUBLIC: readonly (readonly [string, string])[] = [
  ['0.0.0.0', '"this network" 0.0.0.0/8'],
  ['0.255.255.255', '"this network"'],
  ['10.0.0.5', 'private-use 10.0.0.0/8'],
  ['10.255.255.255', 'private-use 10.0.0.0/8'],
  ['100.64.0.1', 'CGNAT'],
  ['100.127.255.255', 'CGNAT'],
  ['127.0.0.1', 'loopback 127.0.0.0/8'],
  ['127.255.0.9', 'loopback'],
  ['169.254.169.254', 'link-local 169.254.0.0/16'],
  ['172.16.0.1', 'private-use 172.16.0.0/12'],
  ['172.31.255.255', 'private-use 172.16.0.0/12'],
  ['192.0.0.8', 'IETF protocol assignments'],
  ['192.0.2.10', 'TEST-NET-1'],
  ['192.88.99.1', '6to4 relay anycast'],
  ['192.168.1.1', 'private-use 192.168.0.0/16'],
  ['198.18.0.1', 'benchmarking 198.18.0.0/15'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'TEST-NET-2'],
  ['203.0.113.7', 'TEST-NET-3'],
  ['224.0.0.1', 'multicast 224.0.0.0/4'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved 240.0.0.0/4'],
  ['255.255.255.255', 'limited broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback ::1/128'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::127.0.0.1', 'IPv4-compatible'],
  ['::8.8.8.8', 'IPv4-compatible'],
  ['::ffff:127.0.0.1', 'IPv4-mapped ::ffff:0:0/96 of loopback 127.0.0.0/8'],
  ['::ffff:7f00:1', 'IPv4-mapped ::ffff:0:0/96 of loopback'],
  ['[::ffff:10.1.2.3]', 'IPv4-mapped ::ffff:0:0/96 of private-use'],
  ['::ffff:169.254.169.254', 'IPv4-mapped ::ffff:0:0/96 of link-local'],
  ['::ffff:0:127.0.0.1', 'IPv4-translated'],
  ['64:ff9b::10.0.0.1', 'NAT64 64:ff9b::/96 of private-use'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 64:ff9b::/96 of link-local'],
  ['64:ff9b:1::1', 'local-use NAT64'],
  ['2002:7f00:1::1', '6to4 2002::/16 of loopback'],
  ['2002:c0a8:101::', '6to4 2002::/16 of private-use 192.168.0.0/16'],
  ['100::1', 'discard-only'],
  ['2001::1', 'Teredo 2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:2::1', 'benchmarking 2001:2::/48'],
  ['2001:10::1', 'IETF protocol assignments 2001::/23'],
  ['2001:db8::1', 'documentation 2001:db8::/32'],
  ['3fff::1', 'documentation 3fff::/20'],
  ['5f00::1', 'SRv6'],
  ['fc00::1', 'unique-local fc00::/7'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['fe80::1', 'link-local fe80::/10'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast ff00::/8'],
  ['4000::1', 'outside global unicast 2000::/3'],
  ['1::1', 'outside global unicast'],
  ['fe80::1%eth0', 'zone id'],
];

const PUBLIC: readonly string[] = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.215.14',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.3.1',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '188.184.21.108',
  '2606:4700:4700::1111',
  '2a00:1450:4007:80e::200e',
  '[2001:4860:4860::8888]',
  '2001:200::1',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
];

const NOT_ADDRESSES: readonly string[] = [
  '',
  'localhost',
  'example.org',
  '127.1',
  '2130706433',
  '0x7f000001',
  '127.0.0.01',
  '256.0.0.1',
  '1.2.3.4.5',
  ':::1',
  '1::2::3',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7',
  '::12345',
  '::ffff:1.2.3',
  '[::1',
];

describe('findSpecialRange', () => {
  for (const [address, range] of NON_PUBLIC) {
    it(`refuses ${address} as ${range}`, () => {
      expect(findSpecialRange(address)).toContain(range);
      expect(isPublicAddress(address)).toBe(false);
    });
  }

  for (const address of PUBLIC) {
    it(`accepts the public unicast address ${address}`, () => {
      expect(findSpecialRange(address)).toBeUndefined();
      expect(isPublicAddress(address)).toBe(true);
    });
  }

  for (const text of NOT_ADDRESSES) {
    it(`refuses ${JSON.stringify(text)}, which is not a canonical address`, () => {
      expect(findSpecialRange(text)).toBe('not an IP address');
      expect(isPublicAddress(text)).toBe(false);
    });
  }
});

describe('parsing', () => {
  it('reads dotted quads and IPv6 with :: and embedded IPv4', () => {
    expect(parseIpv4('192.168.1.2')).toBe(0xc0a80102);
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('1:2:3:4:5:6:7::')).toBe(0x00010002000300040005000600070000n);
    expect(parseIpv6('::ffff:1.2.3.4')).toBe(0xffff01020304n);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
  });
});

describe('isIpLiteralHost', () => {
  it('tells IP literals from names in hosts as WHATWG URL parsing leaves them', () => {
    for (const url of [
      'https://2130706433/d',
      'https://0x7f.1/d',
      'https://127.1/d',
      'https://127.0.0.1./d',
      'https://[::ffff:127.0.0.1]/d',
      'https://0/d',
    ]) {
      const host = new URL(url).hostname;
      expect(isIpLiteralHost(host)).toBe(true);
      expect(isPublicAddress(host.replace(/\.$/, ''))).toBe(false);
    }
    for (const host of ['client.example', 'a1.example', 'localhost', '1.2.3.4.nip.io'])
      expect(isIpLiteralHost(host)).toBe(false);
  });
});
