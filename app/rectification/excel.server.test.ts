import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { checkImportSheet, importTemplate, ledgerWorkbook, parseSheetDate, progressCellText } from "./excel.server";
import { officeXmlErrors } from "../test/office-xml";
import { manyRowsSheet, sparseSheet, textSheet, zipBomb } from "../test/sheets";
import { DEFAULT_SHEET_LIMITS, readSheet } from "./sheet-reader.server";
import { IMPORT_COLUMNS, LEDGER_COLUMNS, MAX_IMPORT_ROWS } from "./labels";

const departments = [
  { id: 1, name: "市卫生健康委员会" },
  { id: 2, name: "市教育局" },
  { id: 3, name: "市住房和城乡建设局" },
];
const TODAY = "2025-03-01";

async function sheet(rows: ExcelJS.CellValue[][], header: string[] = [...IMPORT_COLUMNS]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("整改事项");
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("parseSheetDate", () => {
  it("reads date cells, serials and the usual written forms", () => {
    expect(parseSheetDate(new Date(Date.UTC(2025, 5, 30)))).toBe("2025-06-30");
    expect(parseSheetDate(45658)).toBe("2025-01-01"); // Excel serial of 2025-01-01
    expect(parseSheetDate("2025-06-30")).toBe("2025-06-30");
    expect(parseSheetDate("2025/6/3")).toBe("2025-06-03");
    expect(parseSheetDate("2025年6月30日")).toBe("2025-06-30");
    expect(parseSheetDate("2025-02-30")).toBeNull();
    expect(parseSheetDate("下月底")).toBeNull();
    expect(parseSheetDate(null)).toBeNull();
  });
});

describe("checkImportSheet", () => {
  it("accepts a clean sheet (dates as cells or text, several co-departments, blank rows skipped)", async () => {
    const bytes = await sheet([
      ["因病致贫返贫监测不及时", "建立监测机制", "市卫生健康委员会", "市教育局、市住房和城乡建设局", new Date(Date.UTC(2025, 5, 30))],
      [null, null, null, null, null],
      ["控辍保学台账不完整", "", "市教育局", "", "2025年4月1日"],
    ]);
    const r = await checkImportSheet(bytes, departments, TODAY);
    expect(r).toEqual({
      ok: true,
      rows: [
        { row: 2, problem: "因病致贫返贫监测不及时", requirement: "建立监测机制", leadDepartmentId: 1, coDepartmentIds: [2, 3], deadline: "2025-06-30" },
        { row: 4, problem: "控辍保学台账不完整", requirement: "", leadDepartmentId: 2, coDepartmentIds: [], deadline: "2025-04-01" },
      ],
    });
  });

  it("names every bad row with its reasons", async () => {
    const bytes = await sheet([
      ["好的一行", "", "市卫生健康委员会", "", "2025-06-30"],
      ["", "", "市卫生健康委员会", "", "2025-06-30"],
      ["未知单位", "", "市扶贫办", "", "2025-06-30"],
      ["坏日期", "", "市教育局", "市不存在局", "明年"],
      ["过期", "", "市教育局", "市教育局", "2025-02-01"],
    ]);
    const r = await checkImportSheet(bytes, departments, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      { row: 3, message: "缺少问题" },
      { row: 4, message: "牵头单位「市扶贫办」不是系统中的单位名称" },
      { row: 5, message: "配合单位「市不存在局」不是系统中的单位名称；整改时限「明年」不是有效日期（应如 2025-06-30）" },
      { row: 6, message: "「市教育局」已是牵头单位，不能同时作为配合单位；整改时限不能早于今天（所填：2025年2月1日）" },
    ]);
  });

  it("refuses a wrong header, an empty sheet and a file that is not xlsx", async () => {
    const wrong = await checkImportSheet(await sheet([["a", "", "市教育局", "", "2025-06-30"]], ["问题", "要求", "单位", "配合", "时限"]), departments, TODAY);
    expect(wrong).toMatchObject({ ok: false, errors: [{ row: 1 }] });
    expect(await checkImportSheet(await sheet([]), departments, TODAY)).toMatchObject({ ok: false, errors: [{ row: 0, message: expect.stringContaining("没有可导入") }] });
    expect(await checkImportSheet(Buffer.from("问题,整改要求\n"), departments, TODAY)).toMatchObject({ ok: false, errors: [{ row: 0, message: expect.stringContaining(".xlsx") }] });
    expect(await checkImportSheet(Buffer.from("PK\u0003\u0004garbage"), departments, TODAY)).toMatchObject({ ok: false, errors: [{ row: 0, message: expect.stringContaining("无法读取") }] });
  });

  it("the template it hands out reads back as a clean, empty sheet with the right header", async () => {
    const template = await importTemplate(departments.map((d) => d.name));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("整改事项")!;
    expect([1, 2, 3, 4, 5].map((c) => ws.getRow(1).getCell(c).value)).toEqual([...IMPORT_COLUMNS]);
    expect(wb.getWorksheet("单位名称")!.getCell(2, 1).value).toBe("市教育局");
    expect(await checkImportSheet(template, departments, TODAY)).toMatchObject({ ok: false, errors: [{ row: 0 }] });
  });
});

const LEDGER_ROW = {
  id: 7,
  number: 1,
  problem: "因病致贫返贫\u000c监测\u0001不及时\u0000",
  requirement: "建立\u000b监测机制\u0008",
  lead_department_id: 1,
  lead_name: "市卫生健康\u0001委员会",
  deadline: "2025-06-30",
  original_deadline: "2025-06-30",
  status: "in_progress" as const,
  source_type: "manual" as const,
  source_id: null,
  closed_at: null,
  carried_over_reason: "",
  codepartments: [{ id: 2, name: "市教育局\ufffe" }],
  latest_progress: { text: "已完成\u0002入户排查", created_at: "2025-01-05T02:00:00.000Z", organization_name: "市卫生健康委员会" },
  light: "green" as const,
  daysLeft: 40,
};

describe("exports write only XML-legal characters whatever is stored (issue 15.1)", () => {
  it("the ledger and the template open with control characters in the stored text", async () => {
    const ledger = await ledgerWorkbook("专题\u0001询问", [LEDGER_ROW] as never);
    expect(await officeXmlErrors(ledger)).toEqual([]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(ledger as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getRow(3).getCell(2).value).toBe("因病致贫返贫监测不及时");
    const template = await importTemplate(["市教育局\u000b"]);
    expect(await officeXmlErrors(template)).toEqual([]);
  });
});

describe("the ledger's progress cell (issue 15.3)", () => {
  it("dates a report made at 00:30 Beijing time on 1 July as 1 July", () => {
    expect(progressCellText({ ...LEDGER_ROW, latest_progress: { text: "已完成", created_at: "2026-06-30T16:30:00.000Z", organization_name: "市教育局" } } as never)).toBe("【2026年7月1日 市教育局】已完成");
  });
});

describe("ledgerWorkbook", () => {
  const row = (over: Record<string, unknown> = {}) => ({
    id: 7,
    number: 1,
    problem: "因病致贫返贫监测不及时。".repeat(12),
    requirement: "建立监测机制",
    lead_department_id: 1,
    lead_name: "市卫生健康委员会",
    deadline: "2025-06-30",
    original_deadline: "2025-03-31",
    deadline_workdays: null,
    pending_extension: false,
    status: "in_progress" as const,
    source_type: "exchange" as const,
    source_id: 3,
    closed_at: null,
    carried_over_reason: "",
    codepartments: [{ id: 2, name: "市教育局" }],
    latest_progress: { text: "已完成入户排查", created_at: "2025-01-05T02:00:00.000Z", organization_name: "市卫生健康委员会" },
    light: "red" as const,
    daysLeft: -4,
    dayUnit: "calendar" as const,
    ...over,
  });

  it("writes the office columns with real date cells (2020年9月22日), the light as word and colour, wrapped rows with heights, filter, frozen header, A4 landscape with page numbers", async () => {
    const bytes = await ledgerWorkbook("全市脱贫攻坚工作专题询问", [
      row(),
      row({ id: 8, number: 2, problem: "短", status: "closed", closed_at: "2025-05-31T17:00:00.000Z", light: "done", deadline: "2025-06-30", original_deadline: "2025-06-30", source_type: "manual" }),
      row({ id: 9, number: 3, problem: "近", light: "yellow", daysLeft: 3, dayUnit: "workday", deadline_workdays: 10, original_deadline: "2025-06-30", pending_extension: true }),
    ] as never);
    expect(await officeXmlErrors(bytes)).toEqual([]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(LEDGER_COLUMNS.map((_, i) => ws.getRow(2).getCell(i + 1).value)).toEqual([...LEDGER_COLUMNS]);
    expect(LEDGER_COLUMNS).toEqual(expect.arrayContaining(["来源", "销号日期", "灯", "备注"]));
    const col = (name: (typeof LEDGER_COLUMNS)[number]) => LEDGER_COLUMNS.indexOf(name) + 1;
    const first = ws.getRow(3);
    expect(first.getCell(col("序号")).value).toBe(1);
    expect(first.getCell(col("来源")).value).toBe("询问会问答");
    expect(first.getCell(col("牵头单位")).value).toBe("市卫生健康委员会");
    expect(first.getCell(col("配合单位")).value).toBe("市教育局");
    // a date cell, not text: sortable and filterable, shown the Chinese way
    const deadline = first.getCell(col("整改时限"));
    expect(deadline.value).toBeInstanceOf(Date);
    expect((deadline.value as Date).toISOString().slice(0, 10)).toBe("2025-06-30");
    expect(deadline.numFmt).toBe('yyyy"年"m"月"d"日";@');
    expect(first.getCell(col("进展情况")).value).toBe("【2025年1月5日 市卫生健康委员会】已完成入户排查");
    expect(first.getCell(col("状态")).value).toBe("整改中（已逾期 4 天）");
    expect(first.getCell(col("灯")).value).toBe("红灯");
    expect(first.getCell(col("灯")).fill).toMatchObject({ pattern: "solid", fgColor: { argb: "FFFFC7CE" } });
    expect(first.getCell(col("备注")).value).toBe("原定2025年3月31日，经批准延期");
    // the long problem wraps: its row is several lines high; a one-line row is one line high
    expect(first.getCell(col("问题")).alignment).toMatchObject({ wrapText: true });
    expect(first.height).toBeGreaterThan(60);
    const second = ws.getRow(4);
    expect(second.getCell(col("来源")).value).toBe("直接录入");
    const closed = second.getCell(col("销号日期"));
    expect((closed.value as Date).toISOString().slice(0, 10)).toBe("2025-06-01"); // 01:00 on 1 June, Beijing time
    expect(closed.numFmt).toBe('yyyy"年"m"月"d"日";@');
    expect(second.getCell(col("灯")).value).toBe("—");
    const third = ws.getRow(5);
    expect(third.getCell(col("灯")).value).toBe("黄灯");
    expect(third.getCell(col("灯")).fill).toMatchObject({ fgColor: { argb: "FFFFEB9C" } });
    expect(third.getCell(col("备注")).value).toBe("有延期申请待审批；时限按 10 个工作日设定；还剩 3 个工作日");
    expect(ws.autoFilter).toBe("A2:L5");
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: "landscape", fitToWidth: 1, fitToHeight: 0, printTitlesRow: "2:2" });
    expect(ws.headerFooter.oddFooter).toContain("&P");
    expect(ws.headerFooter.oddFooter).toContain("&N");
  });

  it("the import template has the columns the import reads, the same date format, and a filled-in template imports", async () => {
    const template = await importTemplate(departments.map((d) => d.name));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("整改事项")!;
    expect(IMPORT_COLUMNS.map((_, i) => ws.getRow(1).getCell(i + 1).value)).toEqual([...IMPORT_COLUMNS]);
    expect(ws.getColumn(IMPORT_COLUMNS.indexOf("整改时限") + 1).numFmt).toBe('yyyy"年"m"月"d"日";@');
    // as a user fills it: from row 2
    ["因病致贫返贫监测不及时", "建立监测机制", "市卫生健康委员会", "市教育局", new Date(Date.UTC(2025, 5, 30))].forEach((v, i) => (ws.getCell(2, i + 1).value = v));
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await checkImportSheet(filled, departments, TODAY)).toEqual({
      ok: true,
      rows: [{ row: 2, problem: "因病致贫返贫监测不及时", requirement: "建立监测机制", leadDepartmentId: 1, coDepartmentIds: [2], deadline: "2025-06-30" }],
    });
  });
});

describe("checkImportSheet: large and hostile files are refused before parsing, off the request thread (issue 15.4)", () => {
  const cap = (n: number) => expect.stringContaining(`第 ${n} 行`);

  it("refuses the 100,000-row sheet (under 2 MB) by its declared dimension", async () => {
    const file = manyRowsSheet(100_000);
    expect(file.length).toBeLessThan(2 * 1024 * 1024);
    const r = await checkImportSheet(file, departments, TODAY);
    expect(r).toEqual({ ok: false, errors: [{ row: 0, message: expect.stringContaining("使用范围达到第 100001 行") }] });
  });

  it("stops reading at the cap when a long sheet declares no dimension", async () => {
    const r = await checkImportSheet(manyRowsSheet(100_000, { dimension: false }), departments, TODAY);
    expect(r).toEqual({ ok: false, errors: [{ row: 502, message: `每次最多导入 ${MAX_IMPORT_ROWS} 项，请拆分后分批导入` }] });
  });

  it("refuses the 2 KB sheet with one cell at row 1,048,576, with or without its dimension", async () => {
    const file = sparseSheet();
    expect(file.length).toBeLessThan(4096);
    expect(await checkImportSheet(file, departments, TODAY)).toEqual({ ok: false, errors: [{ row: 0, message: cap(1048576) }] });
    expect(await checkImportSheet(sparseSheet({ dimension: false }), departments, TODAY)).toEqual({ ok: false, errors: [{ row: 0, message: cap(1048576) }] });
  });

  it("refuses zip bombs under the upload cap: by the declared size, and by inflating no further than a lying size", async () => {
    const honest = zipBomb(64);
    expect(honest.length).toBeLessThan(2 * 1024 * 1024);
    expect(await checkImportSheet(honest, departments, TODAY)).toEqual({ ok: false, errors: [{ row: 0, message: expect.stringContaining("解压后超过 32 MB") }] });
    const lying = zipBomb(64, { lie: true });
    expect(await checkImportSheet(lying, departments, TODAY)).toEqual({ ok: false, errors: [{ row: 0, message: expect.stringContaining("解压后超过") }] });
  });

  it("stops a worker that runs past its deadline or heap, and the server goes on", async () => {
    const r = await readSheet(manyRowsSheet(3_000, { dimension: false }), "整改事项", 5, { ...DEFAULT_SHEET_LIMITS, maxRows: 100_000, timeoutMs: 1 });
    expect(r).toEqual({ ok: false, reason: "timeout" });
  });

  it("reads text cells cleaned of control and zero-width characters, as Excel writes them (_x000C_) (issue 15.1)", async () => {
    const r = await checkImportSheet(textSheet([["因病\u200b致贫_x000C_返贫", "建立_x0001_机制_x005F_x0001_", "市教育局", "", "2025-06-30"]]), departments, TODAY);
    expect(r).toMatchObject({ ok: true, rows: [{ problem: "因病致贫返贫", requirement: "建立机制_x0001_" }] });
  });
});

describe("dates typed in other ways (issue 15.7)", () => {
  it("reads full-width digits and hyphens, other dashes, and a trailing midnight time", () => {
    expect(parseSheetDate("２０２６－０６－３０")).toBe("2026-06-30");
    expect(parseSheetDate("２０２６年６月３０日")).toBe("2026-06-30");
    expect(parseSheetDate("２０２６／６／３０")).toBe("2026-06-30");
    expect(parseSheetDate("2026–06–30")).toBe("2026-06-30");
    expect(parseSheetDate("2026-06-30 00:00")).toBe("2026-06-30");
    expect(parseSheetDate("2026-06-30 00:00:00")).toBe("2026-06-30");
    expect(parseSheetDate("2026/6/30 0:00")).toBe("2026-06-30");
    expect(parseSheetDate("2026-06-30T00:00:00")).toBe("2026-06-30");
    expect(parseSheetDate("２０２６－０６－３０　００：００：００")).toBe("2026-06-30");
    expect(parseSheetDate("2026-06-30 14:30")).toBeNull();
    expect(parseSheetDate("２０２６－０２－３０")).toBeNull();
  });

  it("imports such text cells as the dates they name", async () => {
    const r = await checkImportSheet(textSheet([["问题一", "", "市教育局", "", "２０２６－０６－３０"], ["问题二", "", "市教育局", "", "2026-07-01 00:00:00"]]), departments, TODAY);
    expect(r).toMatchObject({ ok: true, rows: [{ deadline: "2026-06-30" }, { deadline: "2026-07-01" }] });
  });
});
