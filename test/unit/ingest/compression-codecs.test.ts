import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import { compress as snappyCompress } from 'snappyjs';
import {
  decompressLz4,
  decompressSnappy,
  decompressZstd,
  registerCompressionCodecs,
} from '../../../ingest/src/source/compression-codecs.js';

const { CompressionCodecs, CompressionTypes } = kafkajs;

/** What every fixture below decompresses to (108 bytes, no trailing newline). */
const LINE =
  '{"level":30,"time":1700000000000,"name":"vitam-access","msg":"request completed","msg2":"request completed"}';

// Fixtures, generated once from LINE:
// - "java": kafka-clients 3.9.2, as its producer compresses a v2 record batch's records, i.e.
//   `Compression.<codec>().build().wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)`;
//   the raw snappy one is snappy-java 1.1.10.5's `Snappy.compress(bytes)`.
// - "cli": `printf '%s' "$LINE" | lz4 -c [flags]` (lz4 1.9.4, the liblz4 librdkafka uses) and
//   `zstd -c` (zstd 1.5.4); `lz4 -c -BX --content-size line.txt` to get a content size.
const FIXTURES = {
  snappyXerialJava:
    'glNOQVBQWQAAAAABAAAAAQAAAFJsVHsibGV2ZWwiOjMwLCJ0aW1lIjoxNzAZAQwsIm5hARWYInZpdGFtLWFjY2VzcyIsIm1zZyI6InJlcXVlc3QgY29tcGxldGVkCRoAMlIbAAB9',
  snappyRawJava:
    'bFR7ImxldmVsIjozMCwidGltZSI6MTcwGQEMLCJuYQEVmCJ2aXRhbS1hY2Nlc3MiLCJtc2ciOiJyZXF1ZXN0IGNvbXBsZXRlZAkaADJSGwAAfQ==',
  /** No checksums, no content size: what the Java clients and librdkafka write. */
  lz4Java:
    'BCJNGGBAglYAAAD2B3sibGV2ZWwiOjMwLCJ0aW1lIjoxNzABAEAsIm5hFQDyGCJ2aXRhbS1hY2Nlc3MiLCJtc2ciOiJyZXF1ZXN0IGNvbXBsZXRlZBoAHTIbAFB0ZWQifQAAAAA=',
  /** `lz4 -c`: with a content checksum after the end mark. */
  lz4ContentChecksum:
    'BCJNGGRAp1YAAAD2B3sibGV2ZWwiOjMwLCJ0aW1lIjoxNzABAEAsIm5hFQDyGCJ2aXRhbS1hY2Nlc3MiLCJtc2ciOiJyZXF1ZXN0IGNvbXBsZXRlZBoAHTIbAFB0ZWQifQAAAAB/0R1o',
  /** `lz4 -c -BX --content-size line.txt`: content size, a checksum after each block, content checksum. */
  lz4AllFlags:
    'BCJNGHxAbAAAAAAAAABKVgAAAPYHeyJsZXZlbCI6MzAsInRpbWUiOjE3MAEAQCwibmEVAPIYInZpdGFtLWFjY2VzcyIsIm1zZyI6InJlcXVlc3QgY29tcGxldGVkGgAdMhsAUHRlZCJ9Yk6lYQAAAAB/0R1o',
  /** `printf 0123456789abcdef | lz4 -c`: too short to compress, so stored as an uncompressed block. */
  lz4Stored: 'BCJNGGRApxAAAIAwMTIzNDU2Nzg5YWJjZGVmAAAAAGlbxMI=',
  /**
   * `lz4 -c -BD -B4 --no-frame-crc` of LINKED_INPUT: two 64 KiB blocks, the second made of
   * back-references into the first (linked blocks).
   */
  lz4Linked: [
    'BCJNGEBAwAoCAAD/8V/s62b/yG842VJ4bG1pbHnC28I53U6RtGcp1zon+1fpa4ayc/80/OGda4BO',
    '/1o/V0etpOqiLx1JwB5S3beHW0vUc146Jl4W7uA/WXGLm10DAZwH2LbFH5DaOmZu7BOrNU4HQIVi',
    'vtuLYM4Fwd7P460WtyIwln3gH2QLfkcptJ/OSyJ3d9TdH8Ycb4hPSGQdArTRIdP9Moywi1Ux/Kza',
    'v4rvLRJ943uUK6rQYUXlSwxhmh8iMnsuu8++x49VZK/jnef2wBF3bo23zTMLVBdP1299Aha2Ejh6',
    'X/z7gebwkZaDeQJpm+Qsio5G+7tFAXJlF+hrIsVqGJ92JabaSQgbJFEAAf//////////////////',
    '/'.repeat(76 * 4),
    '/////////////////+dQSQgbJFE2AAAADwD/////////////////////////////////////////',
    '//////////////////8UUEkIGyRRAAAAAA==',
  ].join(''),
  zstdJava:
    'KLUv/QBYXAIAcoQPFpA7B1MbSbatGYyS1O4+tfI7oyZkRvTPYHzPlEwUsPpmOWP0oemz6pVKQaZdzehnQnyoENDPtT5EoNnbmZ0DAD6/eM9RbEAMAQAA',
  /** `zstd -c` from stdin: no content size, with a checksum. */
  zstdCli:
    'KLUv/QRYXQIAcoQPFpA7B1MbSbatGYyS1O4+tfI7oyZkRvTPYHzPlEwUsPpmOWP0oemz6pVKQaZdzehnQnyoENDPtT5EoNnbmZ0DAD6/eM9RbEAMOrf4Xg==',
} as const;

/** 256 bytes that do not compress (SHA-256 of "0" … "7"), 300 times: 75 KiB. */
const LINKED_INPUT = Buffer.concat(
  Array.from({ length: 300 }, () =>
    Buffer.concat(
      Array.from({ length: 8 }, (_, i) => createHash('sha256').update(String(i)).digest()),
    ),
  ),
);

const bytes = (name: keyof typeof FIXTURES) => Buffer.from(FIXTURES[name], 'base64');
const text = (buffer: Buffer) => buffer.toString('utf8');

/** kafkajs's own lookup, as its record batch decoder does it. */
const codec = (type: number) =>
  (CompressionCodecs as unknown as Record<number, () => KafkajsCodec>)[type]!();
interface KafkajsCodec {
  compress(encoder: unknown): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

void describe('snappy', () => {
  void test('reads the xerial framing of the Java clients', () => {
    assert.equal(text(decompressSnappy(bytes('snappyXerialJava'))), LINE);
  });

  void test('reads a raw block, as librdkafka writes it', () => {
    assert.equal(text(decompressSnappy(bytes('snappyRawJava'))), LINE);
  });

  void test('reads several xerial chunks and concatenated xerial streams', () => {
    const header = bytes('snappyXerialJava').subarray(0, 16);
    const chunk = (part: string) => {
      const compressed = snappyCompress(Buffer.from(part));
      const length = Buffer.alloc(4);
      length.writeInt32BE(compressed.length);
      return [length, compressed];
    };
    const framed = Buffer.concat([
      header,
      ...chunk('first chunk, '),
      ...chunk('second chunk, '),
      header,
      ...chunk('another stream'),
    ]);
    assert.equal(text(decompressSnappy(framed)), 'first chunk, second chunk, another stream');
  });

  void test('a truncated xerial chunk is an error, not a short batch', () => {
    const framed = bytes('snappyXerialJava');
    assert.throws(() => decompressSnappy(framed.subarray(0, framed.length - 3)), /truncated/);
  });
});

void describe('lz4 frames', () => {
  for (const name of ['lz4Java', 'lz4ContentChecksum', 'lz4AllFlags'] as const)
    void test(`reads ${name}`, () => {
      assert.equal(text(decompressLz4(bytes(name))), LINE);
    });

  void test('copies uncompressed blocks', () => {
    assert.equal(text(decompressLz4(bytes('lz4Stored'))), '0123456789abcdef');
  });

  void test('resolves back-references into the previous block (linked blocks)', () => {
    assert.deepEqual(decompressLz4(bytes('lz4Linked')), LINKED_INPUT);
  });

  void test('reads concatenated frames as one stream', () => {
    const both = Buffer.concat([bytes('lz4Java'), bytes('lz4Stored')]);
    assert.equal(text(decompressLz4(both)), `${LINE}0123456789abcdef`);
  });

  void test('rejects what is not an lz4 frame, or is cut short', () => {
    assert.throws(() => decompressLz4(Buffer.from(LINE)), /bad magic number/);
    const frame = bytes('lz4Java');
    assert.throws(() => decompressLz4(frame.subarray(0, frame.length - 2)), /truncated/);
  });
});

void describe('zstd', () => {
  void test('reads a Java client frame and a CLI frame without content size', () => {
    assert.equal(text(decompressZstd(bytes('zstdJava'))), LINE);
    assert.equal(text(decompressZstd(bytes('zstdCli'))), LINE);
  });

  void test('reads concatenated frames', () => {
    const both = Buffer.concat([bytes('zstdJava'), bytes('zstdCli')]);
    assert.equal(text(decompressZstd(both)), LINE + LINE);
  });
});

void describe('registration in kafkajs', () => {
  void test('kafkajs finds the decoders; registering twice changes nothing', async () => {
    registerCompressionCodecs();
    const first = codec(CompressionTypes.LZ4);
    registerCompressionCodecs();
    assert.equal(codec(CompressionTypes.LZ4), first);
    const cases = [
      [CompressionTypes.Snappy, 'snappyXerialJava'],
      [CompressionTypes.LZ4, 'lz4Java'],
      [CompressionTypes.ZSTD, 'zstdJava'],
    ] as const;
    for (const [type, fixture] of cases) {
      const decoded = await codec(type).decompress(bytes(fixture));
      assert.ok(Buffer.isBuffer(decoded), 'kafkajs decodes records from a Buffer');
      assert.equal(text(decoded), LINE);
    }
  });

  void test('a corrupt batch rejects with the codec named', async () => {
    registerCompressionCodecs();
    await assert.rejects(
      codec(CompressionTypes.LZ4).decompress(Buffer.from('garbage')),
      /cannot decompress a lz4 record batch: not an lz4 frame/,
    );
  });

  void test('compressing is refused with a clear error: ingest only reads these', async () => {
    registerCompressionCodecs();
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD])
      await assert.rejects(codec(type).compress({ buffer: Buffer.from(LINE) }), /does not write/);
  });
});
