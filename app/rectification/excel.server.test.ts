import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { checkImportSheet, importTemplate, ledgerWorkbook, parseSheetDate } from "./excel.server";
import { IMPORT_COLUMNS, LEDGER_COLUMNS } from "./labels";

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
      { row: 6, message: "「市教育局」已是牵头单位，不能同时作为配合单位；整改时限 2025-02-01 早于今天" },
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

describe("ledgerWorkbook", () => {
  it("writes the office columns and one row per item", async () => {
    const bytes = await ledgerWorkbook("全市脱贫攻坚工作专题询问", [
      {
        id: 7,
        number: 1,
        problem: "因病致贫返贫监测不及时",
        requirement: "建立监测机制",
        lead_department_id: 1,
        lead_name: "市卫生健康委员会",
        deadline: "2025-06-30",
        original_deadline: "2025-03-31",
        pending_extension: false,
        status: "in_progress",
        source_type: "manual",
        source_id: null,
        closed_at: null,
        carried_over_reason: "",
        codepartments: [{ id: 2, name: "市教育局" }],
        latest_progress: { text: "已完成入户排查", created_at: "2025-01-05T02:00:00.000Z", organization_name: "市卫生健康委员会" },
        light: "red",
        daysLeft: -4,
      },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(LEDGER_COLUMNS.map((_, i) => ws.getRow(2).getCell(i + 1).value)).toEqual([...LEDGER_COLUMNS]);
    const row = ws.getRow(3);
    expect(row.getCell(1).value).toBe(1);
    expect(row.getCell(2).value).toBe("因病致贫返贫监测不及时");
    expect(row.getCell(4).value).toBe("市卫生健康委员会");
    expect(row.getCell(5).value).toBe("市教育局");
    expect(row.getCell(6).value).toBe("2025年6月30日（原定2025年3月31日）");
    expect(row.getCell(7).value).toBe("【2025年1月5日 市卫生健康委员会】已完成入户排查");
    expect(row.getCell(8).value).toBe("整改中（已逾期 4 天）");
  });
});
