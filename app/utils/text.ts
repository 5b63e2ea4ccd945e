import { z } from "zod";

/**
 * Text hygiene, shared by every input boundary and every export (see docs/decisions/0020-text-hygiene.md).
 *
 * - `cleanText` is applied to what users send or import: every form field (readFormData), every text node of
 *   rich text (app/richtext), every cell of an imported sheet. It keeps what a person can see and means.
 * - `xmlSafe` / `xmlSafeDeep` are applied to what exports write (Word, Excel): only characters XML 1.0 allows,
 *   whatever is already stored (rows written before cleaning existed, or written by other tools).
 */

// C0 controls except TAB and LF (CR is handled first), DEL and the C1 controls, U+FFFE/U+FFFF.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
// Surrogate halves without their partner (left by cutting a string, or by a broken encoder).
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Zero-width space, zero-width non-joiner, word joiner, zero-width no-break space (BOM): invisible and meaningless
// in Chinese text, they only split words for search and comparison.
const ZERO_WIDTH = /[\u200B\u200C\u2060\uFEFF]/g;
// The zero-width joiner is kept only where it joins two emoji (👨‍👩‍👧 is one person-group, not three); anywhere
// else it is as invisible and as harmful as the others.
const STRAY_ZWJ = /(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/**
 * Cleans text at the input boundary: CRLF and lone CR become LF; control characters other than TAB and LF,
 * U+FFFE/U+FFFF, lone surrogates and zero-width characters (U+200B, U+200C, U+2060, U+FEFF, and U+200D unless
 * it joins two emoji) are removed. Nothing else changes (no trimming, no normalisation: text is shown as typed).
 * Idempotent. Source of the rule: XML 1.0 §2.2 (Char) and issue 15.1.
 */
export function cleanText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(CONTROLS, "")
    .replace(LONE_SURROGATES, "")
    .replace(ZERO_WIDTH, "")
    .replace(STRAY_ZWJ, "");
}

// Everything XML 1.0 refuses in character data: C0 controls except TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes the characters XML 1.0 cannot hold (XML 1.0 §2.2), so an export opens whatever was stored. */
export function xmlSafe(value: string): string {
  return value.replace(XML_ILLEGAL, "");
}

/**
 * `xmlSafe` over every string in a plain data structure (objects, arrays, nested), returning a copy. Every
 * export builder (outline.docx, digest.docx, rectification.xlsx, the import template, and any document added
 * later) passes its input through this one step before writing. Dates, numbers, booleans and null pass as they are.
 */
export function xmlSafeDeep<T>(value: T): T {
  if (typeof value === "string") return xmlSafe(value) as T;
  if (Array.isArray(value)) return value.map((v) => xmlSafeDeep(v)) as T;
  if (value && typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = xmlSafeDeep(v);
    return out as T;
  }
  return value;
}

/**
 * The text building block of every schema: a string passed through `cleanText` before any check (zod's
 * `overwrite` keeps it a string schema, so `.trim().min().max()` follow). Forms are already cleaned when read
 * (readFormData); this makes a schema used on JSON inside a field, or on imported data, clean the same way.
 */
export function cleanString(error?: string) {
  return z.string(error ? { error } : undefined).overwrite(cleanText);
}

/**
 * The nesting depth of a JSON text (brackets and braces outside strings), counted without parsing it, so a
 * document nested 100,000 deep is refused before anything recursive touches it (issue 16.5). Stops counting
 * past 1,000.
 */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
      if (max > 1000) return max;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}
