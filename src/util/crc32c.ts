/**
 * CRC-32C (Castagnoli, the iSCSI/ext4/S3 checksum), table-driven, slicing by 8. Node 20 has no
 * CRC-32C built in (zlib.crc32, from 20.15, is the IEEE polynomial), so it is computed here.
 */

// The kernel's CRC of a partition (scan.c) uses the same, as contract.json's CRC32C_POLY (util/ sits
// below table/contract.ts, so the number is written here too; test/kernel-partial.test.ts checks both agree).
const POLY = 0x82f63b78; // reflected 0x1EDC6F41

// 8 tables of 256: T[0] the byte-wise table, T[k][n] = CRC of n followed by k zero bytes.
const T = new Uint32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let k = 1; k < 8; k++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

/** The CRC-32C of `bytes`, continuing from `crc` (the CRC of the bytes before them). */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      T[7 * 256 + (lo & 0xff)] ^
      T[6 * 256 + ((lo >>> 8) & 0xff)] ^
      T[5 * 256 + ((lo >>> 16) & 0xff)] ^
      T[4 * 256 + (lo >>> 24)] ^
      T[3 * 256 + bytes[i + 4]] ^
      T[2 * 256 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
  }
  for (; i < n; i++) c = T[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
