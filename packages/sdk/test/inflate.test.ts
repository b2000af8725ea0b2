/**
 * Inflating compressed sync frames: Node's zlib path and the Compression Streams path (browsers)
 * give back the exact text, and a broken stream is an error, not a silent empty frame.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { canInflateRaw, inflateRawStream, inflateRawText } from '../src/sync/inflate.ts';

const text = JSON.stringify({ type: 'ops', fromVersion: 1, toVersion: 2, ops: [{ v: 2, data: { title: 'é 日本 🎉 '.repeat(500) } }] });
const packed = deflateRawSync(text);

describe('inflate', () => {
  it('is available on this Node', () => {
    expect(canInflateRaw()).toBe(true);
  });

  it('gives back the text from a Buffer, an ArrayBuffer and a view into a larger buffer, on both paths', async () => {
    const arrayBuffer = packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.length);
    const padded = new Uint8Array(packed.length + 8);
    padded.set(packed, 4);
    const view = padded.subarray(4, 4 + packed.length);
    for (const input of [packed, arrayBuffer, view]) {
      expect(await inflateRawText(input)).toBe(text);
      expect(await inflateRawStream(input)).toBe(text);
    }
  });

  it('rejects a truncated stream on both paths', async () => {
    const cut = packed.subarray(0, packed.length >> 1);
    await expect(inflateRawText(cut)).rejects.toThrow();
    await expect(inflateRawStream(cut)).rejects.toThrow();
  });
});
