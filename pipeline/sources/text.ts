import iconv from 'iconv-lite';

/**
 * Bytes of an exported file as text. Dialers and Excel on Windows still write Windows-1252;
 * bytes that are not valid UTF-8 can only be that, so `auto` falls back to it.
 */
export function decodeText(bytes: Buffer, encoding: 'auto' | 'utf-8' | 'windows-1252' = 'auto'): string {
  if (encoding === 'windows-1252') return iconv.decode(bytes, 'win1252');
  const withoutBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (encoding === 'utf-8') return withoutBom.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(withoutBom);
  } catch {
    return iconv.decode(bytes, 'win1252');
  }
}
