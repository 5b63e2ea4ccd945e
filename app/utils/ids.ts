import { z } from "zod";

/**
 * The one parser for record ids (and version numbers) that arrive in URLs and forms (issue 16).
 * Only plain decimal digits are numbers here: "12" is 12; "0x10", "1e3", "+1", " 1 ", "1.0", "" are not
 * (z.coerce.number() and Number() accept all of them). Numbers inside JSON bodies must be safe integers.
 */
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;

/** A non-negative integer written in decimal digits, or null. */
export function parseDecimalInt(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== "string" || !DECIMAL.test(value)) return null;
  return Number(value);
}

/** A record id (a positive integer in decimal digits), or null. */
export function parseId(value: unknown): number | null {
  const n = parseDecimalInt(value);
  return n !== null && n > 0 ? n : null;
}

export const INVALID_REQUEST = "请求无效，请刷新页面后重试";

/** A required id field: refused with `message` unless it is a decimal id. */
export function idField(message = INVALID_REQUEST) {
  return z.unknown().transform((v, ctx): number => {
    const n = parseId(v);
    if (n === null) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });
}

/** An optional id field: missing or "" is null; anything else must be a decimal id. */
export function optionalIdField(message = INVALID_REQUEST) {
  // .optional(): a field the form did not send at all is "none", like an empty one
  return z.unknown().optional().transform((v, ctx): number | null => {
    if (v === undefined || v === null || v === "") return null;
    const n = parseId(v);
    if (n === null) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });
}

/** A list of ids from repeated form fields (one value or several). */
export function idListField(message = INVALID_REQUEST) {
  return z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(idField(message)));
}

/** A version number sent back with a form (optimistic locking): a decimal integer of at least `min`. */
export function versionField(min = 1, message = INVALID_REQUEST) {
  return z.unknown().transform((v, ctx): number => {
    const n = parseDecimalInt(v);
    if (n === null || n < min) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return n;
  });
}
