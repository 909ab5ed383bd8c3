import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * W3C Bitstring Status List v1.0: bit i (counted from the most significant bit of the first byte)
 * is 1 when the credential with statusListIndex i has the list's status (revoked, suspended). The
 * list is at least 16 KiB (131,072 entries) so a verifier fetching it learns nothing about which
 * credential it checks (herd privacy).
 */
export const STATUS_LIST_LENGTH = 131_072;

export function encodeStatusList(setIndexes: Iterable<number>, length = STATUS_LIST_LENGTH): string {
  if (length % 8 !== 0) throw new RangeError('a status list length is a whole number of bytes');
  const bits = Buffer.alloc(length / 8);
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw new RangeError(`status list index ${index} is outside 0..${length - 1}`);
    }
    bits[index >> 3] |= 0x80 >> (index & 7);
  }
  // Multibase: 'u' = base64url without padding, as the specification requires.
  return `u${gzipSync(bits).toString('base64url')}`;
}

export function decodeStatusList(encodedList: string): Buffer {
  if (!encodedList.startsWith('u')) throw new Error('encodedList must be multibase base64url (prefix "u")');
  return gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
}

/** Reads one entry of a decoded list: true when that credential has the list's status. */
export function isSetInStatusList(bits: Buffer, index: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new RangeError(`status list index ${index} is outside the list`);
  }
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

/** Credentials are spread over lists of 131,072 entries: list n holds indexes (n-1)*L .. n*L-1. */
export function statusListEntry(globalIndex: number): { statusList: number; statusListIndex: number } {
  return {
    statusList: Math.floor(globalIndex / STATUS_LIST_LENGTH) + 1,
    statusListIndex: globalIndex % STATUS_LIST_LENGTH,
  };
}

/** The global indexes list n holds: [from, to). */
export function statusListRange(list: number): { from: number; to: number } {
  const from = (list - 1) * STATUS_LIST_LENGTH;
  return { from, to: from + STATUS_LIST_LENGTH };
}
