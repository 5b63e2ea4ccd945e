import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "~/auth/password.server";
import { listRoster } from "~/roster/roster.server";
import { createTestDb, makeUser, snapshot, type TestDb, type TestUser } from "~/test/db";
import { importSetupSheet, initialPassword, setupExport, setupTemplate, SETUP_SHEETS, type SetupKind } from "./setup-import.server";
import { passwordWeakness } from "~/auth/password.server";

let t: TestDb;
let admin: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  admin = await makeUser(t.db, { role: "admin", username: "root" });
});
afterEach(async () => {
  await t.cleanup();
});

/** A sheet filled as an office fills the downloaded template. */
async function filled(kind: SetupKind, rows: (string | number)[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await setupTemplate(kind)) as never);
  const ws = wb.getWorksheet(SETUP_SHEETS[kind].sheetName)!;
  // typed from row 2 down, under the header (the template's drop-downs reach further)
  rows.forEach((r, i) => r.forEach((v, c) => (ws.getCell(i + 2, c + 1).value = v)));
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function readBack(bytes: Uint8Array, sheet: string): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as never);
  const rows: string[][] = [];
  wb.getWorksheet(sheet)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ""))));
  return rows;
}

describe("bulk setup from Excel", () => {
  it("imports organisations, then accounts naming them; every account gets a strong initial password shown once", async () => {
    const orgs = await importSetupSheet(t.db, admin.actor, "organizations", await filled("organizations", [
      ["洛阳市人民政府", "人民政府"],
      ["洛阳市教育局", "政府部门"],
      ["偃师区人大常委会", "县区人大常委会"],
    ]));
    expect(orgs).toMatchObject({ ok: true, created: 3, skipped: [] });
    const accounts = await importSetupSheet(t.db, admin.actor, "accounts", await filled("accounts", [
      ["Jiaoyu", "教育局联络员", "应询部门", "洛阳市教育局", "办公室联络员"],
      ["yanshi", "偃师联络员", "县区人大", "偃师区人大常委会", ""],
      ["wangwei", "王伟", "委员/代表", "", "市人大常委会委员"],
    ]));
    if (!accounts.ok) throw new Error(JSON.stringify(accounts.errors));
    expect(accounts.created).toBe(3);
    expect(accounts.passwords.map((p) => p.username)).toEqual(["jiaoyu", "yanshi", "wangwei"]);
    for (const p of accounts.passwords) expect(passwordWeakness(p.password, p.username)).toBeNull();
    const stored = await t.db.selectFrom("users").select(["password_hash", "must_change_password"]).where("username", "=", "jiaoyu").executeTakeFirstOrThrow();
    expect(await verifyPassword(accounts.passwords[0].password, stored.password_hash)).toBe(true);
    // a one-time initial password: changed at the first sign-in
    expect(stored.must_change_password).toBe(1);
    expect(stored.password_hash).not.toContain(accounts.passwords[0].password);
    // the member account is on the roster
    expect((await listRoster(t.db)).map((r) => r.name)).toEqual(["王伟"]);
    // the audit log never holds a password
    const audit = await t.db.selectFrom("audit_log").select(["after_json"]).execute();
    for (const p of accounts.passwords) expect(JSON.stringify(audit)).not.toContain(p.password);
  });

  it("the same sheet uploaded again adds nothing and says so per row", async () => {
    const sheet = await filled("organizations", [["洛阳市财政局", "政府部门"]]);
    expect(await importSetupSheet(t.db, admin.actor, "organizations", sheet)).toMatchObject({ ok: true, created: 1 });
    expect(await importSetupSheet(t.db, admin.actor, "organizations", sheet)).toMatchObject({ ok: true, created: 0, skipped: [{ row: 2, message: "「洛阳市财政局」已在系统中，跳过" }] });
    expect(await t.db.selectFrom("organizations").select("id").where("name", "=", "洛阳市财政局").execute()).toHaveLength(1);
  });

  it("names every bad row with its reason and imports nothing", async () => {
    await importSetupSheet(t.db, admin.actor, "organizations", await filled("organizations", [["洛阳市教育局", "政府部门"]]));
    const before = await snapshot(t.db);
    const result = await importSetupSheet(t.db, admin.actor, "accounts", await filled("accounts", [
      ["ok_user", "正常", "人大工作人员", "", ""],
      ["a", "短", "人大工作人员", "", ""],
      ["dept1", "部门", "应询部门", "", ""],
      ["dept2", "部门", "应询部门", "不存在局", ""],
      ["xrole", "角色错", "局长", "", ""],
      ["root", "重名", "人大工作人员", "", ""],
      ["ok_user", "重复", "人大工作人员", "", ""],
    ]));
    expect(result).toEqual({
      ok: false,
      errors: [
        { row: 3, message: "用户名「a」应为 3–32 位字母、数字、下划线或短横线" },
        { row: 4, message: "应询部门账号须填写所属单位" },
        { row: 5, message: "所属单位「不存在局」不是系统中的单位名称" },
        { row: 6, message: "角色「局长」应为系统管理员、人大工作人员、委员/代表、应询部门、县区人大之一" },
        { row: 7, message: `用户名「root」已被「${admin.displayName}」使用` },
        { row: 8, message: "用户名与第 2 行重复" },
      ],
    });
    expect(await snapshot(t.db)).toEqual(before);
    const roster = await importSetupSheet(t.db, admin.actor, "roster", await filled("roster", [["", "委员", "是", ""], ["李四", "代表", "也许", "nobody"]]));
    expect(roster).toEqual({
      ok: false,
      errors: [
        { row: 2, message: "缺少姓名" },
        { row: 3, message: "表决权「也许」应填“是”或“否”；关联账号「nobody」不存在" },
      ],
    });
    expect(await importSetupSheet(t.db, admin.actor, "roster", new Uint8Array([1, 2, 3]))).toEqual({ ok: false, errors: [{ row: 0, message: "请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）" }] });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("imports the roster (voting by the column, or by the title when blank) and exports it in the template's columns", async () => {
    const result = await importSetupSheet(t.db, admin.actor, "roster", await filled("roster", [
      ["张三", "市人大常委会委员", "", ""],
      ["李四", "市人大代表", "", ""],
      ["王五", "市人大代表", "是", ""],
    ]));
    expect(result).toMatchObject({ ok: true, created: 3 });
    expect((await listRoster(t.db)).map((r) => [r.name, r.voting])).toEqual([["张三", 1], ["李四", 0], ["王五", 1]]);
    const rows = await readBack(await setupExport(t.db, "roster"), "组成人员名册");
    expect(rows[0]).toEqual(["姓名", "职务", "表决权", "关联账号", "状态"]);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([["张三", "市人大常委会委员", "是"], ["李四", "市人大代表", "否"], ["王五", "市人大代表", "是"]]);
  });

  it("the parent column (上级单位, issue 21): a parent in the system or on an earlier row; a bad parent refuses the sheet; an existing organisation moves; the export carries it", async () => {
    const before = await snapshot(t.db);
    const bad = await importSetupSheet(t.db, admin.actor, "organizations", await filled("organizations", [
      ["孟州市人大常委会", "县区人大常委会", ""],
      ["西虢镇", "政府部门", "不存在的单位"],
      ["化工镇", "政府部门", "化工镇"],
    ]));
    expect(bad).toMatchObject({ ok: false, errors: [
      { row: 3, message: "上级单位「不存在的单位」不是系统中或本表前面各行的单位名称" },
      { row: 4, message: "上级单位不能是本单位" },
    ] });
    expect(await snapshot(t.db)).toEqual(before);
    const ok = await importSetupSheet(t.db, admin.actor, "organizations", await filled("organizations", [
      ["孟州市人大常委会", "县区人大常委会", ""],
      ["西虢镇", "政府部门", "孟州市人大常委会"],
      ["化工镇", "政府部门", ""],
    ]));
    expect(ok).toMatchObject({ ok: true, created: 3 });
    const moved = await importSetupSheet(t.db, admin.actor, "organizations", await filled("organizations", [
      ["化工镇", "政府部门", "孟州市人大常委会"],
      ["西虢镇", "政府部门", "孟州市人大常委会"],
    ]));
    expect(moved).toMatchObject({ ok: true, created: 1, skipped: [{ row: 3, message: "「西虢镇」已在系统中，跳过" }] });
    const parent = await t.db.selectFrom("organizations as o").innerJoin("organizations as p", "p.id", "o.parent_id").select(["o.name", "p.name as parent"]).orderBy("o.name").execute();
    expect(parent).toEqual([{ name: "化工镇", parent: "孟州市人大常委会" }, { name: "西虢镇", parent: "孟州市人大常委会" }].sort((a, b) => (a.name < b.name ? -1 : 1)));
    const rows = await readBack(await setupExport(t.db, "organizations"), "组织机构");
    expect(rows[0]).toEqual(["名称", "类别", "上级单位", "状态"]);
    expect(rows).toContainEqual(["西虢镇", "政府部门", "孟州市人大常委会", ""]);
  });

  it("initial passwords are of four kinds and differ", () => {
    const a = initialPassword();
    expect(a).toMatch(/^[a-z]{4}-[A-Z]{4}-[2-9]{4}$/);
    expect(initialPassword()).not.toBe(a);
  });
});
