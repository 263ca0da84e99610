/**
 * The sandbox archive readers and writer: our tar round-trips; DIRAC's `tar.bz2` (written by
 * Python's tarfile) decompresses through the streaming bunzip2 and reads member by member;
 * zstd and gzip archives are told apart by their first bytes; corrupt or truncated data and
 * non-tar data are refused with a clear error; reading stops as soon as the caller stops, so a
 * small member at the start of a large archive pulls little of it.
 */
import { describe, expect, it } from 'bun:test';
import { InvalidInputError } from '../../../../src/core/errors.ts';
import { compressionOf, tarStreamOf } from '../../../../src/logic/sandboxes/archive/decompress.ts';
import { tarMembers } from '../../../../src/logic/sandboxes/archive/tar-read.ts';
import { packTar } from '../../../../src/logic/sandboxes/archive/tar-write.ts';

const FIXTURE = new URL('../../../fixtures/sandboxes/pilot-output.tar.bz2', import.meta.url);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `data` in chunks of `size`, counting what was pulled. */
function chunked(data: Uint8Array, size = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + size));
      at += size;
    },
  });
  return { stream, pulled: () => Math.min(at, data.length) };
}

async function members(archive: ReadableStream<Uint8Array>): Promise<{ name: string; data: string; size: number }[]> {
  const { tar } = await tarStreamOf(archive);
  const out: { name: string; data: string; size: number }[] = [];
  for await (const m of tarMembers(tar)) {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for await (const chunk of m.content()) parts.push(chunk.slice());
    const blob = new Blob(parts);
    out.push({ name: m.entry.name, data: await blob.text(), size: blob.size });
  }
  return out;
}

const compress = async (data: Uint8Array, format: string): Promise<Uint8Array> =>
  new Uint8Array(
    await new Response(
      new Blob([new Uint8Array(data)]).stream().pipeThrough(new CompressionStream(format as CompressionFormat)),
    ).arrayBuffer(),
  );

const FILES = [
  { name: 'run.sh', data: text('#!/bin/sh\necho hi\n'), executable: true },
  { name: 'data/input.txt', data: text('x'.repeat(1500)) },
  { name: 'empty', data: new Uint8Array(0) },
];

describe('tar', () => {
  it('reads back what packTar wrote, uncompressed, gzip and zstd', async () => {
    const tar = packTar(FILES);
    expect(tar.length % 10240).toBe(0);
    const expected = FILES.map((f) => ({ name: f.name, data: new TextDecoder().decode(f.data), size: f.data.length }));
    expect(await members(chunked(tar, 100).stream)).toEqual(expected);
    for (const format of ['gzip', 'zstd']) {
      const packed = await compress(tar, format);
      expect(compressionOf(packed)).toBe(format as 'gzip' | 'zstd');
      expect(await members(chunked(packed, 7).stream)).toEqual(expected);
    }
  });

  it('writes the same bytes for the same files (the same checksum, hence one sandbox)', () => {
    expect(packTar(FILES)).toEqual(packTar(FILES.map((f) => ({ ...f }))));
    expect(packTar(FILES)).not.toEqual(packTar(FILES.slice(1)));
  });

  it("reads DIRAC's tar.bz2 (Python tarfile, w|bz2) through the streaming bunzip2", async () => {
    const data = await Bun.file(FIXTURE).bytes();
    expect(compressionOf(data)).toBe('bzip2');
    const got = await members(chunked(data, 1000).stream);
    expect(got.map((m) => [m.name, m.size])).toEqual([
      ['StdOut', 58],
      ['StdErr', 202358],
      ['plot.png', 2008],
      ['notes.txt', 23],
      [`logs/${'reconstruction-'.repeat(8)}step.log`, 24],
    ]);
    expect(got[1]!.data).toEndWith(
      'stderr line 5000: processing event 35000\nError: segmentation violation in Reco::Track::fit\n',
    );
  });

  it('decodes two bzip2 archives at once correctly (the block decoder keeps state between calls)', async () => {
    const data = await Bun.file(FIXTURE).bytes();
    const [one, two] = await Promise.all([members(chunked(data, 777).stream), members(chunked(data, 4096).stream)]);
    expect(two).toEqual(one);
    expect(one[1]!.size).toBe(202358);
  });

  it('stops reading the archive when the caller stops', async () => {
    const big = packTar([
      { name: 'StdErr', data: text('first\n') },
      { name: 'huge.bin', data: new Uint8Array(8 * 1024 * 1024) },
    ]);
    const source = chunked(big);
    const { tar } = await tarStreamOf(source.stream);
    for await (const m of tarMembers(tar)) {
      expect(m.entry.name).toBe('StdErr');
      break;
    }
    expect(source.pulled()).toBeLessThan(256 * 1024);
  });

  it('stops with TOO_LARGE past the bytes it may read of one archive (a decompression bomb)', async () => {
    const zeros = await compress(packTar([{ name: 'bomb', data: new Uint8Array(4 * 1024 * 1024) }]), 'gzip');
    expect(zeros.length).toBeLessThan(64 * 1024);
    const { tar } = await tarStreamOf(chunked(zeros).stream);
    const read = async (): Promise<void> => {
      for await (const m of tarMembers(tar, 1024 * 1024)) for await (const _ of m.content());
    };
    await expect(read()).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('refuses corrupt and truncated bzip2 data, and data that is not tar', async () => {
    const data = await Bun.file(FIXTURE).bytes();
    const corrupt = data.slice();
    corrupt[5000] = (corrupt[5000] ?? 0) ^ 0xff;
    const refusals = [
      members(chunked(corrupt).stream),
      members(chunked(data.slice(0, data.length - 500)).stream),
      members(chunked(crypto.getRandomValues(new Uint8Array(4096))).stream),
    ];
    for (const refused of refusals) {
      const err = await refused.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(String((err as Error).message)).toMatch(/not valid bzip2 data|not a valid tar archive/);
    }
  });
});
