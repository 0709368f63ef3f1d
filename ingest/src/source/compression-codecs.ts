import { decompress as zstdDecompress } from 'fzstd';
import kafkajs from 'kafkajs';
import { decompressBlock } from 'lz4js';
import { uncompress as snappyUncompress } from 'snappyjs';

/**
 * kafkajs decodes only gzip; a record batch compressed with snappy, lz4 or zstd makes its fetch
 * throw, so the partition never moves. These decoders let ingest read whatever compression a
 * shipper chose. Pure JavaScript on purpose: native codecs need a build or a binary download.
 *
 * Decompression only. Ingest produces just the dead-letter records, uncompressed, and kafkajs
 * calls `compress` only when producing, never for a consumer: a producer asking for one of these
 * codecs gets a clear error instead of a silently different compression.
 */
interface KafkajsCodec {
  compress(encoder: unknown): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * Puts the snappy, lz4 and zstd decoders into kafkajs's codec table. That table belongs to the
 * kafkajs module, so this affects every client of the process; calling it again changes nothing.
 */
export function registerCompressionCodecs(): void {
  // kafkajs is CommonJS and Node cannot see these as named exports.
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  CompressionCodecs[CompressionTypes.Snappy] = () => SNAPPY;
  CompressionCodecs[CompressionTypes.LZ4] = () => LZ4;
  CompressionCodecs[CompressionTypes.ZSTD] = () => ZSTD;
}

const SNAPPY = readOnlyCodec('snappy', decompressSnappy);
const LZ4 = readOnlyCodec('lz4', decompressLz4);
const ZSTD = readOnlyCodec('zstd', decompressZstd);

function readOnlyCodec(name: string, decompress: (input: Buffer) => Buffer): KafkajsCodec {
  return {
    compress: () =>
      Promise.reject(
        new Error(
          `Ariane reads ${name}-compressed Kafka batches but does not write them: produce uncompressed or gzip`,
        ),
      ),
    decompress: (buffer) => {
      try {
        return Promise.resolve(decompress(buffer));
      } catch (error) {
        return Promise.reject(
          new Error(`cannot decompress a ${name} record batch: ${(error as Error).message}`, {
            cause: error,
          }),
        );
      }
    },
  };
}

const toBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** snappy-java's stream header: 8 magic bytes, then a version and a compatible version (int32). */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

/**
 * Kafka's Java clients frame snappy the xerial (snappy-java) way: the header, then chunks of
 * [int32 big-endian length][raw snappy]. librdkafka writes one raw snappy block. The magic
 * cannot open a raw block (its third byte would be a copy with nothing to copy from), so it
 * tells the two apart, as librdkafka itself does. snappy-java reads concatenated streams, so a
 * header may appear again between chunks.
 */
export function decompressSnappy(input: Buffer): Buffer {
  if (!isXerialHeader(input, 0)) return snappyUncompress(input);
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < input.length) {
    if (isXerialHeader(input, at)) {
      at += XERIAL_HEADER_BYTES;
      continue;
    }
    if (at + 4 > input.length) throw new Error('truncated xerial chunk length');
    const length = input.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > input.length) throw new Error('truncated xerial chunk');
    chunks.push(snappyUncompress(input.subarray(at, at + length)));
    at += length;
  }
  return Buffer.concat(chunks);
}

function isXerialHeader(input: Buffer, at: number): boolean {
  return (
    input.length - at >= XERIAL_HEADER_BYTES &&
    input.subarray(at, at + XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
  );
}

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_FLAG_VERSION_MASK = 0xc0;
const LZ4_FLAG_VERSION = 0x40;
const LZ4_FLAG_BLOCK_CHECKSUM = 0x10;
const LZ4_FLAG_CONTENT_SIZE = 0x08;
const LZ4_FLAG_CONTENT_CHECKSUM = 0x04;
const LZ4_FLAG_DICTIONARY_ID = 0x01;
const LZ4_BLOCK_UNCOMPRESSED = 0x80000000;
const LZ4_MAX_BLOCK_BYTES: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

interface Lz4Frame {
  readonly blockChecksums: boolean;
  readonly contentChecksum: boolean;
  readonly maxBlockBytes: number;
  /** Offset of the first block header. */
  readonly blocksAt: number;
}

/**
 * Kafka writes LZ4 frames (since message format v1; v0's wrong header checksum is tolerated
 * because it is not checked). lz4js decodes the blocks, but its frame reader takes a block
 * checksum to come before the block, not after it, and ignores a dictionary id; so the frame is
 * read here. Checksums are skipped, not verified: neither the Java clients nor librdkafka write
 * them by default, and the record batch carries its own CRC. Blocks are decoded into one buffer,
 * so linked blocks (back-references into the previous block) work too.
 */
export function decompressLz4(input: Buffer): Buffer {
  const output: Buffer[] = [];
  let at = 0;
  // Concatenated frames are one stream, as for the lz4 tool.
  while (at < input.length) {
    const frame = readLz4Header(input, at);
    const { bound, end } = scanLz4Blocks(input, frame);
    const dst = Buffer.alloc(bound);
    let written = 0;
    let block = frame.blocksAt;
    for (;;) {
      const header = input.readUInt32LE(block);
      block += 4;
      if (header === 0) break;
      const size = header & ~LZ4_BLOCK_UNCOMPRESSED;
      if ((header & LZ4_BLOCK_UNCOMPRESSED) !== 0) {
        written += input.copy(dst, written, block, block + size);
      } else {
        const before = written;
        written = decompressBlock(input, dst, block, size, written);
        // lz4js does not bound its writes: a block that expands past its maximum is corrupt.
        if (written - before > frame.maxBlockBytes || written > bound)
          throw new Error('lz4 block larger than the frame allows');
      }
      block += size + (frame.blockChecksums ? 4 : 0);
    }
    output.push(dst.subarray(0, written));
    at = end;
  }
  return output.length === 1 ? output[0]! : Buffer.concat(output);
}

function readLz4Header(input: Buffer, at: number): Lz4Frame {
  if (input.length - at < 7 || input.readUInt32LE(at) !== LZ4_FRAME_MAGIC)
    throw new Error('not an lz4 frame (bad magic number)');
  const flags = input[at + 4]!;
  if ((flags & LZ4_FLAG_VERSION_MASK) !== LZ4_FLAG_VERSION)
    throw new Error(`unsupported lz4 frame version ${flags >> 6}`);
  const maxBlockBytes = LZ4_MAX_BLOCK_BYTES[(input[at + 5]! >> 4) & 0x07];
  if (maxBlockBytes === undefined) throw new Error('invalid lz4 block size');
  const blocksAt =
    at + 6 + (flags & LZ4_FLAG_CONTENT_SIZE ? 8 : 0) + (flags & LZ4_FLAG_DICTIONARY_ID ? 4 : 0) + 1; // the header checksum
  return {
    blockChecksums: (flags & LZ4_FLAG_BLOCK_CHECKSUM) !== 0,
    contentChecksum: (flags & LZ4_FLAG_CONTENT_CHECKSUM) !== 0,
    maxBlockBytes,
    blocksAt,
  };
}

/** Walks the block headers: an upper bound of the decoded size, and where the frame ends. */
function scanLz4Blocks(input: Buffer, frame: Lz4Frame): { bound: number; end: number } {
  let bound = 0;
  let at = frame.blocksAt;
  for (;;) {
    if (at + 4 > input.length) throw new Error('truncated lz4 frame');
    const header = input.readUInt32LE(at);
    at += 4;
    if (header === 0) break;
    const size = header & ~LZ4_BLOCK_UNCOMPRESSED;
    if (size > frame.maxBlockBytes) throw new Error('lz4 block larger than the frame allows');
    bound += (header & LZ4_BLOCK_UNCOMPRESSED) !== 0 ? size : frame.maxBlockBytes;
    at += size + (frame.blockChecksums ? 4 : 0);
    if (at > input.length) throw new Error('truncated lz4 block');
  }
  const end = at + (frame.contentChecksum ? 4 : 0);
  if (end > input.length) throw new Error('truncated lz4 frame');
  return { bound, end };
}

/** zstd frames, with or without a content size or checksum, concatenated or not (fzstd). */
export function decompressZstd(input: Buffer): Buffer {
  return toBuffer(zstdDecompress(input));
}
