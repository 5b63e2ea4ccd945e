import { Transform, type TransformCallback } from "node:stream";

/**
 * The rendered HTML with NUL bytes (0x00) dropped, as a stream between React's `pipe` and the response.
 *
 * Why: react-dom 18.3's Node renderer (`writeStringChunk` in react-dom-server.node) encodes text into 2,048-byte
 * views; when a character of three UTF-8 bytes (every Chinese character) does not fit in the last one or two
 * bytes of a view, it sends the whole view, unused zero bytes included. A page then shows "马\0爱国" where the
 * text said 马爱国 — at whatever text falls on a view boundary (an e2e test found it in a button's accessible
 * name). React 19 sends only the bytes written. No NUL byte is ever part of a page: text is cleaned of control
 * characters at the input boundary (app/utils/text.ts), and React escapes nothing into one.
 */
export function dropNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer | Uint8Array | string, _encoding: BufferEncoding, done: TransformCallback) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (bytes.indexOf(0) === -1) return done(null, bytes);
      const kept = Buffer.allocUnsafe(bytes.length);
      let n = 0;
      for (const byte of bytes) if (byte !== 0) kept[n++] = byte;
      done(null, kept.subarray(0, n));
    },
  });
}
