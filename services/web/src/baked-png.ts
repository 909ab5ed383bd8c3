import { crc32 } from 'node:zlib';

/**
 * Open Badges 3.0 baking: the signed credential travels inside the badge image, in a PNG iTXt chunk
 * with the keyword `openbadgecredential` (uncompressed, UTF-8 text: here the compact JWS). A baked
 * image downloaded from the badge page verifies on its own.
 */
export const BAKING_KEYWORD = 'openbadgecredential';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Chunk {
  type: string;
  data: Buffer;
  /** The whole chunk: length, type, data, CRC. */
  raw: Buffer;
}

function chunksOf(png: Buffer): Chunk[] {
  if (png.length < SIGNATURE.length || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw new Error('truncated PNG chunk');
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error('truncated PNG chunk');
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc)
      throw new Error(`bad CRC in ${type} chunk`);
    chunks.push({ type, data, raw: png.subarray(offset, end) });
    offset = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function iTXtData(keyword: string, text: string): Buffer {
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, text
  return Buffer.concat([
    Buffer.from(keyword, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]),
    Buffer.from(text, 'utf8'),
  ]);
}

function parseITXt(data: Buffer): { keyword: string; text: string } | null {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1) return null;
  const keyword = data.toString('latin1', 0, keywordEnd);
  const compressed = data[keywordEnd + 1];
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (compressed !== 0 || translatedEnd < 0) return null;
  return { keyword, text: data.toString('utf8', translatedEnd + 1) };
}

/** The image with the credential baked in (an earlier credential chunk is replaced), before IEND. */
export function bakeCredential(png: Buffer, credential: string): Buffer {
  const kept = chunksOf(png).filter(
    (c) => !(c.type === 'iTXt' && parseITXt(c.data)?.keyword === BAKING_KEYWORD),
  );
  const iend = kept.findIndex((c) => c.type === 'IEND');
  if (iend < 0) throw new Error('PNG without IEND');
  const baked = chunk('iTXt', iTXtData(BAKING_KEYWORD, credential));
  return Buffer.concat([SIGNATURE, ...kept.slice(0, iend).map((c) => c.raw), baked, kept[iend].raw]);
}

/** The credential baked into an image, or null when it carries none. */
export function readBakedCredential(png: Buffer): string | null {
  for (const c of chunksOf(png)) {
    if (c.type !== 'iTXt') continue;
    const text = parseITXt(c.data);
    if (text?.keyword === BAKING_KEYWORD) return text.text;
  }
  return null;
}
