import type ExcelJS from "exceljs";
import { DEFAULT_SHEET_LIMITS, readSheet, type SheetLimits, type SheetRead, type SheetRow } from "../rectification/sheet-reader.server";
import { cleanText } from "./text";

/**
 * What every Excel import shares (the rectification ledger, organisations, accounts, the roster; issue 13):
 * the upload's checks (empty, over 2 MB, not an .xlsx), the guarded reader (sheet-reader.server.ts: off the
 * request thread, zip bombs and huge ranges refused), the header check against the template's columns, and cell
 * values as clean text. Row numbers are the sheet's own (the header is row 1); row 0 means the whole file.
 */
export const MAX_SHEET_BYTES = 2 * 1024 * 1024;

export type SheetError = { row: number; message: string };

export type OpenedSheet = { ok: true; rows: SheetRow[]; more: boolean } | { ok: false; errors: SheetError[] };

/**
 * Excel writes characters XML cannot hold as `_xHHHH_` (ECMA-376 Part 1, §22.9.2.19 ST_Xstring; a literal
 * `_x` is written `_x005F_x`): decoded here so that `cleanText` sees, and removes, the control characters.
 */
function decodeXstring(value: string): string {
  return value.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function cleanCell(value: string): string {
  return cleanText(decodeXstring(value)).trim();
}

/** A cell's value as text (strings, numbers, rich text, hyperlinks, formula results), cleaned (`cleanText`). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return cleanCell(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  // exceljs gives a date cell as the UTC midnight of the date it shows, so its UTC date is the sheet's date
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value && Array.isArray(value.richText)) return cleanCell(value.richText.map((t) => t.text).join(""));
    if ("text" in value && typeof value.text === "string") return cleanCell(value.text);
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("error" in value) return "";
  }
  return cleanCell(String(value));
}

/**
 * Checks the upload and reads the sheet `sheetName` (else the first) with the header `columns`, at most `maxRows`
 * data rows. `what` names the rows in messages (整改事项, 单位, 账号, 人员).
 */
export async function openImportSheet(
  bytes: Uint8Array,
  spec: { sheetName: string; columns: readonly string[]; maxRows: number; what: string },
  limits: Omit<SheetLimits, "maxRows"> = DEFAULT_SHEET_LIMITS,
): Promise<OpenedSheet> {
  if (bytes.length === 0) return { ok: false, errors: [{ row: 0, message: "请选择要导入的 Excel 文件" }] };
  if (bytes.length > MAX_SHEET_BYTES) return { ok: false, errors: [{ row: 0, message: "文件超过 2 MB，请拆分后分批导入" }] };
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) return { ok: false, errors: [{ row: 0, message: "请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）" }] };
  // read off the request thread, refused by size and declared range before parsing, rows streamed up to the cap
  const sheet = await readSheet(bytes, spec.sheetName, spec.columns.length, { ...limits, maxRows: spec.maxRows });
  if (!sheet.ok) return { ok: false, errors: [{ row: 0, message: refusalMessage(sheet, limits, spec) }] };
  const header = spec.columns.map((_, i) => cellText(sheet.header[i] ?? null));
  if (header.some((h, i) => h !== spec.columns[i])) {
    return { ok: false, errors: [{ row: 1, message: `表头应依次为：${spec.columns.join("、")}，请使用下载的导入模板` }] };
  }
  const errors: SheetError[] = [];
  if (sheet.more) {
    // reading stopped at the cap: the row after the last one read is where the sheet goes past it
    const next = sheet.rows.length ? sheet.rows[sheet.rows.length - 1].row + 1 : 2;
    errors.push({ row: next, message: `每次最多导入 ${spec.maxRows} 项，请拆分后分批导入` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows: sheet.rows, more: false };
}

function refusalMessage(refusal: Extract<SheetRead, { ok: false }>, limits: Omit<SheetLimits, "maxRows">, spec: { maxRows: number; what: string }): string {
  switch (refusal.reason) {
    case "too-large":
      return `文件解压后超过 ${Math.round(limits.maxUncompressedBytes / 1024 / 1024)} MB，不像是${spec.what}表格，请使用下载的导入模板填写后上传`;
    case "dimension":
      return `表格的使用范围达到第 ${refusal.rows} 行，每次最多导入 ${spec.maxRows} 项；请删除多余的行（或另存为新文件）后重新上传`;
    case "no-sheet":
      return "文件中没有工作表";
    case "timeout":
      return "文件读取超时，请使用下载的导入模板填写后上传";
    default:
      return "文件无法读取，请使用下载的导入模板填写后上传";
  }
}
