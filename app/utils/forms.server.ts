import { z } from "zod";
import { cleanString, cleanText } from "./text";
import { idField, versionField } from "./ids";

// Chinese default messages for every schema; fields still carry their own, more specific, messages.
z.config(z.locales.zhCN());

export const DEFAULT_FORM_LIMIT_BYTES = 2 * 1024 * 1024;

export type FieldErrors = Record<string, string[]>;

export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string> }
  | { ok: false; fieldErrors: FieldErrors; values: Record<string, string> };

export class BodyTooLargeError extends Error {}

/**
 * Reads a url-encoded or small multipart form, refusing (413, in Chinese) bodies over the limit whether or
 * not the client declared their length. Every text value comes back cleaned (`cleanText`: control and
 * zero-width characters removed, CRLF → LF), so no field, however a route reads it, stores them; passwords
 * are secrets, not text, and pass unchanged.
 */
export async function readFormData(request: Request, limitBytes = DEFAULT_FORM_LIMIT_BYTES): Promise<FormData> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limitBytes) throw tooLarge(limitBytes);
  if (!request.body) return new FormData();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const body = Buffer.concat(chunks);
  let raw: FormData;
  try {
    raw = await new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw new Response("提交的表单格式无法识别，请刷新页面后重试。", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  return cleanFormData(raw);
}

const SECRET_FIELD = /password/i;

/** A copy of a form with every text value passed through `cleanText` (files and password fields unchanged). */
export function cleanFormData(formData: FormData): FormData {
  const cleaned = new FormData();
  for (const [key, value] of formData.entries()) {
    cleaned.append(key, typeof value === "string" && !SECRET_FIELD.test(key) ? cleanText(value) : value);
  }
  return cleaned;
}

function tooLarge(limitBytes: number): Response {
  const mb = Math.round((limitBytes / 1024 / 1024) * 10) / 10;
  return new Response(`提交的内容过大（超过 ${mb} MB），请精简后重试。`, {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** The text values of a form, kept so a refused form can be shown again as the user typed it. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string") continue;
    values[key] = key in values ? `${values[key]}\n${value}` : value;
  }
  delete values.password;
  delete values.newPassword;
  return values;
}

/** Parses a form against a zod schema, returning field errors in Chinese on failure. */
export function parseForm<S extends z.ZodType>(formData: FormData, schema: S): FormResult<z.output<S>> {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    raw[key] = all.length > 1 ? all : all[0];
  }
  const values = formValues(formData);
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data, values };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "_form";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { ok: false, fieldErrors, values };
}

/** A single error attached to a field, in the same shape as parseForm's. */
export function fieldError(field: string, message: string, values: Record<string, string> = {}) {
  return { ok: false as const, fieldErrors: { [field]: [message] } as FieldErrors, values };
}

/** Common field schemas with Chinese messages. */
export const fields = {
  requiredText: (label: string, max = 200) =>
    cleanString(`请填写${label}`)
      .trim()
      .min(1, `请填写${label}`)
      .max(max, `${label}不能超过 ${max} 个字`),
  optionalText: (label: string, max = 2000) =>
    cleanString()
      .trim()
      .max(max, `${label}不能超过 ${max} 个字`)
      .optional()
      .transform((v) => v ?? ""),
  /** a record id in decimal digits (app/utils/ids.ts) */
  id: (label: string) => idField(`请选择${label}`),
  version: () => versionField(),
};
