import ExcelJS from "exceljs";
import { deadlineProblem, type DateContext } from "../history/dates.server";
import { dateInShanghai, formatDate, isCalendarDate, todayInShanghai } from "../utils/time";
import { describeDaysLeft } from "../utils/deadline";
import { cleanText, xmlSafeDeep } from "../utils/text";
import { DEFAULT_SHEET_LIMITS, type SheetLimits } from "./sheet-reader.server";
import { cellText, MAX_SHEET_BYTES, openImportSheet } from "../utils/sheet-import.server";
import { IMPORT_COLUMNS, ITEM_STATUS_LABELS, LEDGER_COLUMNS, LIGHT_WORDS, MAX_IMPORT_ROWS, SOURCE_LABELS } from "./labels";
import type { listLedger } from "./ledger.server";

/**
 * Excel for the rectification ledger: the export offices forward (LEDGER_COLUMNS), the import template, and the checking of an uploaded sheet (every bad row named with its reason;
 * nothing is imported until the sheet is clean).
 */
export const XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const MAX_IMPORT_BYTES = MAX_SHEET_BYTES;
export { MAX_IMPORT_ROWS };
const SHEET_NAME = "整改事项";
const NAMES_SHEET = "单位名称";

type LedgerRow = Awaited<ReturnType<typeof listLedger>>["rows"][number];

const thin = { style: "thin" as const, color: { argb: "FF999999" } };
const border = { top: thin, left: thin, bottom: thin, right: thin };

export function deadlineCellText(row: { deadline: string; original_deadline: string }): string {
  return row.deadline === row.original_deadline ? formatDate(row.deadline) : `${formatDate(row.deadline)}（原定${formatDate(row.original_deadline)}）`;
}

export function statusCellText(row: LedgerRow): string {
  const label = ITEM_STATUS_LABELS[row.status];
  if (row.status === "carried_over" && row.carried_over_reason) return `${label}（${row.carried_over_reason}）`;
  if (row.light === "red") return `${label}（${describeDaysLeft(row.daysLeft, row.dayUnit)}）`;
  return label;
}

export function progressCellText(row: LedgerRow): string {
  const p = row.latest_progress;
  if (!p) return "";
  const text = p.text.length > 1500 ? `${p.text.slice(0, 1500)}…` : p.text;
  return `【${formatDate(dateInShanghai(p.created_at))} ${p.organization_name}】${text}`;
}

/** 备注: what else an office needs beside the row — extension, pending request, working-day deadline. */
export function remarkCellText(row: LedgerRow): string {
  const notes: string[] = [];
  if (row.deadline !== row.original_deadline) notes.push(`原定${formatDate(row.original_deadline)}，经批准延期`);
  if (row.pending_extension) notes.push("有延期申请待审批");
  if (row.deadline_workdays) notes.push(`时限按 ${row.deadline_workdays} 个工作日设定`);
  if (row.light === "yellow" || row.light === "green") notes.push(describeDaysLeft(row.daysLeft, row.dayUnit));
  return notes.join("；");
}

/** Excel's day for a YYYY-MM-DD date: the UTC midnight, which exceljs writes as that serial day. */
function excelDate(date: string | null): Date | null {
  return date ? new Date(`${date}T00:00:00Z`) : null;
}

/** 2020年9月22日, as a number format, so the cell stays a date (sorts and filters) and reads the Chinese way. */
export const CHINESE_DATE_FORMAT = 'yyyy"年"m"月"d"日";@';

const LIGHT_FILLS = { red: "FFFFC7CE", yellow: "FFFFEB9C" } as const;
const LIGHT_FONTS = { red: "FF9C0006", yellow: "FF7A5300" } as const;

/** Lines a text takes in a column `width` characters wide (a CJK character takes two). */
function linesIn(text: string, width: number): number {
  return text.split("\n").reduce((n, line) => {
    let w = 0;
    for (const ch of line) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
    return n + Math.max(1, Math.ceil(w / Math.max(1, width - 1)));
  }, 0);
}

const LEDGER_WIDTHS = [6, 34, 30, 12, 16, 18, 15, 40, 14, 15, 8, 24];

/**
 * The ledger as an .xlsx file, ready to print: a title row, the header offices use (LEDGER_COLUMNS: 序号, 问题,
 * 整改要求, 来源, 牵头单位, 配合单位, 整改时限, 进展情况, 状态, 销号日期, 灯, 备注), one row per item. 整改时限 and
 * 销号日期 are real date cells shown as 2020年9月22日; 灯 is the word with a red or yellow fill; rows wrap with
 * their height set (LibreOffice does not grow a row by itself); the header is frozen and filtered; A4
 * landscape, one page wide, the header repeated on every page, “第 1 页，共 3 页” in the footer.
 */
export async function ledgerWorkbook(storedTitle: string, storedRows: LedgerRow[]): Promise<Buffer> {
  // Only XML-legal characters reach the file, whatever is stored (the one sanitising step of every export).
  const [title, rows] = xmlSafeDeep([storedTitle, storedRows] as const);
  const wb = new ExcelJS.Workbook();
  wb.creator = "询问 Xunwen";
  wb.created = new Date();
  const ws = wb.addWorksheet("整改台账", {
    pageSetup: {
      paperSize: 9,
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: "2:2",
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: "&C第 &P 页，共 &N 页", evenFooter: "&C第 &P 页，共 &N 页" },
    views: [{ state: "frozen", ySplit: 2 }],
  });
  ws.columns = LEDGER_WIDTHS.map((width) => ({ width }));
  ws.mergeCells(1, 1, 1, LEDGER_COLUMNS.length);
  const titleCell = ws.getCell(1, 1);
  titleCell.value = `${title}整改台账（${formatDate(todayInShanghai())}导出）`;
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: "center", vertical: "middle" };
  ws.getRow(1).height = 28;
  const header = ws.getRow(2);
  LEDGER_COLUMNS.forEach((label, i) => {
    const cell = header.getCell(i + 1);
    cell.value = label;
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEEF0F3" } };
    cell.border = border;
  });
  header.height = 20;
  for (const r of rows) {
    const values: ExcelJS.CellValue[] = [
      r.number,
      r.problem,
      r.requirement,
      SOURCE_LABELS[r.source_type],
      r.lead_name,
      r.codepartments.map((c) => c.name).join("、"),
      excelDate(r.deadline),
      progressCellText(r),
      statusCellText(r),
      excelDate(r.closed_at ? dateInShanghai(r.closed_at) : null),
      LIGHT_WORDS[r.light],
      remarkCellText(r),
    ];
    const row = ws.addRow(values);
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.alignment = { vertical: "top", wrapText: true, horizontal: col === 1 || col === 11 ? "center" : "left" };
      cell.border = border;
    });
    for (const col of [7, 10]) row.getCell(col).numFmt = CHINESE_DATE_FORMAT;
    if (r.light === "red" || r.light === "yellow") {
      const cell = row.getCell(11);
      cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: LIGHT_FILLS[r.light] } };
      cell.font = { bold: true, color: { argb: LIGHT_FONTS[r.light] } };
    }
    const lines = Math.max(...values.map((v, i) => (typeof v === "string" ? linesIn(v, LEDGER_WIDTHS[i]) : 1)));
    row.height = Math.min(409, 15 * lines + 4);
  }
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2 + rows.length, column: LEDGER_COLUMNS.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The import template: the header row, the rules, and the department names the sheet may use. */
export async function importTemplate(storedNames: string[]): Promise<Buffer> {
  const departmentNames = xmlSafeDeep(storedNames);
  const wb = new ExcelJS.Workbook();
  wb.creator = "询问 Xunwen";
  const ws = wb.addWorksheet(SHEET_NAME, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = [
    { header: IMPORT_COLUMNS[0], key: "problem", width: 48 },
    { header: IMPORT_COLUMNS[1], key: "requirement", width: 40 },
    { header: IMPORT_COLUMNS[2], key: "lead", width: 22 },
    { header: IMPORT_COLUMNS[3], key: "co", width: 30 },
    { header: IMPORT_COLUMNS[4], key: "deadline", width: 14 },
  ];
  ws.getRow(1).eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEEF0F3" } };
    cell.border = border;
  });
  // the same date cells as the ledger's 整改时限 (2020年9月22日); the import reads date cells and written dates
  ws.getColumn(IMPORT_COLUMNS.indexOf("整改时限") + 1).numFmt = CHINESE_DATE_FORMAT;
  const names = wb.addWorksheet(NAMES_SHEET);
  names.getColumn(1).width = 30;
  departmentNames.forEach((name, i) => (names.getCell(i + 1, 1).value = name));
  if (departmentNames.length) {
    for (let r = 2; r <= MAX_IMPORT_ROWS + 1; r++) {
      ws.getCell(r, 3).dataValidation = {
        type: "list",
        allowBlank: true,
        formulae: [`'${NAMES_SHEET}'!$A$1:$A$${departmentNames.length}`],
        showErrorMessage: true,
        errorTitle: "牵头单位",
        error: "请从“单位名称”表中选择",
      };
    }
  }
  const help = wb.addWorksheet("填写说明");
  help.getColumn(1).width = 100;
  [
    "整改事项批量导入模板 填写说明",
    "1. 在“整改事项”表中每行填写一项整改事项，第 1 行表头请勿修改，从第 2 行起填写。",
    "2. 问题：必填，不超过 2000 字。整改要求：选填，不超过 2000 字。",
    "3. 牵头单位：必填，须与“单位名称”表中的名称完全一致。",
    "4. 配合单位：选填，可填写多个，用顿号“、”或逗号分隔，名称须与“单位名称”表一致，且不能与牵头单位相同。",
    "5. 整改时限：必填，日期格式，如 2025-06-30 或 2025年6月30日，不能早于导入当天（补录的专题询问：不能早于询问会日期）。",
    "6. 表格中任何一行有误，系统将列出出错的行号和原因，全部事项均不导入；请修改后重新上传。",
    `7. 每次最多导入 ${MAX_IMPORT_ROWS} 项，文件不超过 2 MB。`,
  ].forEach((line, i) => {
    const cell = help.getCell(i + 1, 1);
    cell.value = line;
    if (i === 0) cell.font = { bold: true, size: 13 };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A date cell or text → YYYY-MM-DD, or null. Text may be 2025-06-30, 2025/6/30, 2025.6.30, 2025年6月30日, in
 * full-width digits and punctuation (２０２６－０６－３０, as Chinese input methods type them), with any dash
 * (－ – — ‐ −), and with a trailing midnight time (00:00 or 00:00:00, as a date exported from another system
 * carries); or an Excel serial day number.
 */
export function parseSheetDate(value: ExcelJS.CellValue): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 1 || value > 100_000) return null;
    return new Date(Date.UTC(1899, 11, 30) + value * 86_400_000).toISOString().slice(0, 10);
  }
  if (value && typeof value === "object" && "result" in value) return parseSheetDate(value.result as ExcelJS.CellValue);
  const text = cellText(value)
    .normalize("NFKC") // full-width digits, hyphen, slash, full stop, colon, space → ASCII
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63]/g, "-")
    .replace(/(?:\s+|T)0{1,2}:00(?::00(?:\.0+)?)?$/, "")
    .trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  return isCalendarDate(iso) ? iso : null;
}

export interface ImportRow {
  row: number;
  problem: string;
  requirement: string;
  leadDepartmentId: number;
  coDepartmentIds: number[];
  deadline: string;
}
export type ImportCheck = { ok: true; rows: ImportRow[] } | { ok: false; errors: { row: number; message: string }[] };

/**
 * Reads and checks an uploaded sheet. `departments` are the organisations an item may name. Row numbers are
 * the sheet's own (the header is row 1). Every problem of every row is reported.
 */
export async function checkImportSheet(
  bytes: Buffer,
  departments: { id: number; name: string }[],
  dates: string | DateContext = todayInShanghai(),
  limits: Omit<SheetLimits, "maxRows"> = DEFAULT_SHEET_LIMITS,
): Promise<ImportCheck> {
  // the one deadline rule (app/history/dates.server.ts): today in live work, the meeting in back-entry
  const ctx: DateContext = typeof dates === "string" ? { backEntry: false, meetingDate: null, planApprovedOn: null, today: dates } : dates;
  const sheet = await openImportSheet(bytes, { sheetName: SHEET_NAME, columns: IMPORT_COLUMNS, maxRows: MAX_IMPORT_ROWS, what: "整改事项" }, limits);
  if (!sheet.ok) return sheet;
  const byName = new Map(departments.map((d) => [d.name.trim(), d.id]));
  const rows: ImportRow[] = [];
  const errors: { row: number; message: string }[] = [];
  for (const { row: r, cells } of sheet.rows) {
    const texts = cells.map(cellText);
    if (texts.every((t) => t === "")) continue;
    const reasons: string[] = [];
    const [problem, requirement, leadName, coText] = texts;
    if (!problem) reasons.push("缺少问题");
    else if (problem.length > 2000) reasons.push("问题超过 2000 字");
    if (requirement.length > 2000) reasons.push("整改要求超过 2000 字");
    const leadId = leadName ? byName.get(leadName) : undefined;
    if (!leadName) reasons.push("缺少牵头单位");
    else if (leadId === undefined) reasons.push(`牵头单位「${leadName}」不是系统中的单位名称`);
    const coNames = coText.split(/[、,，;；\n]+/).map((s) => s.trim()).filter(Boolean);
    const coIds: number[] = [];
    for (const name of coNames) {
      const id = byName.get(name);
      if (id === undefined) reasons.push(`配合单位「${name}」不是系统中的单位名称`);
      else if (id === leadId) reasons.push(`「${name}」已是牵头单位，不能同时作为配合单位`);
      else coIds.push(id);
    }
    const deadline = parseSheetDate(cells[4]);
    if (!texts[4]) reasons.push("缺少整改时限");
    else if (!deadline) reasons.push(`整改时限「${texts[4]}」不是有效日期（应如 2025-06-30）`);
    else {
      const late = deadlineProblem(ctx, "rectification", deadline);
      if (late) reasons.push(`${late}（所填：${formatDate(deadline)}）`);
    }
    if (reasons.length) errors.push({ row: r, message: reasons.join("；") });
    else rows.push({ row: r, problem, requirement, leadDepartmentId: leadId!, coDepartmentIds: [...new Set(coIds)], deadline: deadline! });
  }
  if (errors.length) return { ok: false, errors };
  if (rows.length === 0) return { ok: false, errors: [{ row: 0, message: "表格中没有可导入的事项（请从第 2 行起填写）" }] };
  return { ok: true, rows };
}
