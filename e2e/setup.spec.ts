import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { execute, insert, login, loginThroughForm, queryAll, signedIn, unique } from "./fixtures";

/**
 * Issue 13, the people of the committee and a new installation's setup: the admin names the congress (and no other
 * city's name is offered), imports organisations and accounts from the Excel templates (row errors named, a
 * second upload adds nothing, initial passwords shown once and working); staff pick questioners from the roster
 * in the outline and the live meeting entry (a new name offered to the roster); 应询人员 fill from the exchanges.
 * Forbidden roles get 403. Every name is made unique here (other specs run at the same time).
 */

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function sheet(name: string, header: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(name);
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(page: Page, kind: string, file: Buffer, name: string) {
  const card = page.getByTestId(`setup-import-${kind}`);
  await card.locator('input[type="file"]').setInputFiles({ name, mimeType: XLSX, buffer: file });
  await card.getByRole("button", { name: /检查并导入/ }).click();
  return card;
}

test("the admin names the congress; the examples follow it, bad input is refused next to the field", async ({ page }) => {
  await login(page, "admin");
  const [{ value: saved }] = await queryAll<{ value: string }>("select value from settings where key = 'congress'");
  try {
    await page.goto("/admin/settings");
    await expect(page.getByRole("heading", { name: "系统设置" })).toBeVisible();
    const name = page.getByLabel("名称");
    await name.fill("洛阳");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByText("请填写完整的名称，以“人大常委会”结尾，如：××市人大常委会")).toBeVisible();
    await expect(name).toHaveValue("洛阳");
    await name.fill("洛阳市人大常委会");
    await page.getByLabel("层级").selectOption("city");
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page.getByText("已保存：洛阳市人大常委会")).toBeVisible();
    await expect(page.getByTestId("brand-congress")).toContainText("洛阳市人大常委会");
    // a new inquiry takes the name; the examples name no other city
    await page.goto("/inquiries/new");
    await expect(page.locator('input[name="congress"]')).toHaveValue("洛阳市人大常委会");
    // the form's own words and examples (placeholders, hints), not the organisation names other tests create
    const form = await page.locator("main").evaluate((main) => {
      const copy = main.cloneNode(true) as HTMLElement;
      copy.querySelectorAll("label:has(input[type=checkbox]), option").forEach((n) => n.remove());
      const placeholders = [...main.querySelectorAll("[placeholder]")].map((n) => n.getAttribute("placeholder"));
      return `${copy.textContent}\n${placeholders.join("\n")}`;
    });
    expect(form).toContain("例如");
    expect(form).not.toMatch(/焦作|温县|武陟/);
  } finally {
    await execute("update settings set value = ? where key = 'congress'", [saved]);
  }
});

test("the admin imports organisations and accounts from Excel: row errors, a second upload adds nothing, initial passwords work", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await login(page, "admin");
  const dept = unique("洛阳市交通运输局");
  const county = unique("偃师区人大常委会");
  await page.goto("/admin/import");
  // the template downloads
  const template = await page.request.get("/setup/templates/organizations.xlsx");
  expect(template.status()).toBe(200);
  expect(template.headers()["content-type"]).toContain("spreadsheetml");

  // a bad sheet: every bad row named, nothing imported
  const bad = await sheet("组织机构", ["名称", "类别", "上级单位"], [[dept, "政府部门"], ["", "政府部门"], [county, "乡镇"]]);
  let card = await upload(page, "organizations", bad, "bad.xlsx");
  const errors = card.getByTestId("setup-errors-organizations");
  await expect(errors).toContainText("第 3 行");
  await expect(errors).toContainText("缺少名称");
  await expect(errors).toContainText("类别「乡镇」应为");
  expect(await queryAll("select id from organizations where name = ?", [dept])).toHaveLength(0);

  const good = await sheet("组织机构", ["名称", "类别", "上级单位"], [[dept, "政府部门"], [county, "县区人大常委会"]]);
  card = await upload(page, "organizations", good, "orgs.xlsx");
  await expect(card.getByTestId("setup-done-organizations")).toContainText("已导入 2 条");
  card = await upload(page, "organizations", good, "orgs.xlsx");
  await expect(card.getByTestId("setup-done-organizations")).toContainText("已导入 0 条，跳过 2 条已有内容");
  expect(await queryAll("select id from organizations where name in (?, ?)", [dept, county])).toHaveLength(2);

  const username = unique("jt").toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 20);
  const accounts = await sheet("用户账号", ["用户名", "姓名", "角色", "所属单位", "职务/身份"], [[username, "交通局联络员", "应询部门", dept, "办公室联络员"]]);
  card = await upload(page, "accounts", accounts, "accounts.xlsx");
  await expect(card.getByTestId("setup-done-accounts")).toContainText("已导入 1 条");
  const passwords = card.getByTestId("initial-passwords");
  await expect(passwords).toContainText("只显示这一次");
  const password = (await passwords.locator("code").first().innerText()).trim();
  expect(password).toMatch(/^[a-z]{4}-[A-Z]{4}-[2-9]{4}$/);
  // the export lists the account, never a password
  const exported = await page.request.get("/setup/export/accounts.xlsx");
  expect(exported.status()).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await exported.body()) as never);
  const names: string[] = [];
  wb.worksheets[0].eachRow((row) => names.push(String(row.getCell(1).value)));
  expect(names).toContain(username);
  expect(JSON.stringify(wb.worksheets[0].getSheetValues())).not.toContain(password);

  // the new account signs in with its initial password and belongs to the imported department
  const fresh = await browser.newPage();
  await loginThroughForm(fresh, username, password);
  await expect(fresh.getByTestId("current-user")).toContainText(dept);
  // a one-time password: the first sign-in asks for the person's own
  await expect(fresh).toHaveURL(/\/account\?first=1$/);
  await expect(fresh.getByTestId("must-change-password")).toBeVisible();
  await fresh.close();
});

test("forbidden roles get 403 on settings, import, templates, exports and the roster", async ({ browser }) => {
  const staff = await signedIn(browser, "staff");
  for (const path of ["/admin/settings", "/admin/import", "/setup/templates/accounts.xlsx", "/setup/export/organizations.xlsx"]) {
    expect((await staff.request.get(path)).status(), path).toBe(403);
  }
  expect((await staff.request.post("/admin/settings", { form: { name: "某市人大常委会", level: "city", version: "1" }, maxRedirects: 0 })).status()).toBe(403);
  for (const who of ["health", "county", "member"]) {
    const page = await signedIn(browser, who);
    for (const path of ["/roster", "/setup/templates/roster.xlsx", "/setup/export/roster.xlsx"]) {
      expect((await page.request.get(path)).status(), `${who} ${path}`).toBe(403);
    }
    expect((await page.request.post("/roster", { form: { intent: "add", name: "越权", title: "" }, maxRedirects: 0 })).status()).toBe(403);
  }
  // nobody was added by the refused posts
  expect(await queryAll("select id from roster_members where name = '越权'")).toHaveLength(0);
});

test("questioners come from the roster in the outline and the meeting; a new name joins it; 应询人员 fill from the exchanges", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, "staff");
  const person = unique("罗委员");
  // staff add a committee member to the roster; a bad entry is refused next to the field
  await page.goto("/roster");
  await page.locator("#add-name").fill("");
  await page.getByRole("button", { name: "添加", exact: true }).click();
  await expect(page.getByText("请填写姓名")).toBeVisible();
  await page.locator("#add-name").fill(person);
  await page.locator("#add-title").fill("市人大常委会委员");
  await page.getByRole("button", { name: "添加", exact: true }).click();
  await expect(page.getByTestId("roster-table")).toContainText(person);

  // an inquiry of its own, plan approved, with a keyword and a meeting
  const now = new Date().toISOString();
  const inquiryId = await insert(
    "insert into inquiries (title, congress, stage, plan_status, meeting_date, created_at, updated_at) values (?, '测试市人大常委会', 'outline', 'approved', ?, ?, ?)",
    [unique("名册询问"), now.slice(0, 10), now, now],
  );
  const [health] = await queryAll<{ id: number }>("select id from organizations where name = '市卫生健康委员会'");
  await insert("insert into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, health.id]);
  await insert("insert into outline_keywords (inquiry_id, keyword, headline, position, created_at, updated_at) values (?, '健康扶贫', '', 1, ?, ?)", [inquiryId, now, now]);
  await insert("insert into meetings (inquiry_id, meeting_date, created_at, updated_at) values (?, ?, ?, ?)", [inquiryId, now.slice(0, 10), now, now]);

  // the outline: the questioner picked from the roster
  await page.goto(`/inquiries/${inquiryId}/outline`);
  const form = page.locator("#add-question");
  const text = unique("乡村医生待遇如何保障？");
  await form.getByLabel("问题内容").fill(text);
  await form.getByLabel("应询部门").selectOption({ label: "市卫生健康委员会" });
  await form.getByLabel("询问人", { exact: true }).selectOption({ label: `${person}（市人大常委会委员）` });
  await form.getByRole("button", { name: "添加问题" }).click();
  await expect(page.getByTestId("outline")).toContainText(text);
  await expect(page.getByTestId("outline")).toContainText(person);

  // the meeting: the outline question proposes its questioner; then a new name is offered to the roster
  await page.goto(`/inquiries/${inquiryId}/meeting`);
  await expect(page.locator("#mt-questionerName")).toHaveValue(person);
  await expect(page.getByTestId("roster-known")).toContainText("市人大常委会委员");
  await page.locator("#mt-responderName").fill(unique("张局长").slice(0, 10));
  const responder = await page.locator("#mt-responderName").inputValue();
  await page.locator("#mt-responderTitle").fill("副主任");
  await page.locator("#mt-answer").fill("我们将提高乡村医生补助。");
  await page.getByTestId("save-exchange").click();
  await expect(page.getByTestId("officials")).toContainText(responder);
  await expect(page.getByTestId("officials")).toContainText("应询人员（1）");

  const deputy = unique("新代表").slice(0, 12);
  await page.locator("#mt-questionerName").fill(deputy);
  await page.locator("#mt-questionerRole").fill("市人大代表");
  const offer = page.getByTestId("roster-offer");
  await expect(offer).toContainText("不在组成人员名册中");
  await offer.getByRole("checkbox").check();
  await page.locator("#mt-departmentId").selectOption({ label: "市卫生健康委员会" });
  await page.locator("#mt-question").fill("村卫生室建设进展如何？");
  // the responder is offered from the remembered officials of the department
  await expect(page.locator(`#mt-responders option[value="${responder}"]`)).toHaveCount(1);
  await page.getByTestId("save-exchange").click();
  await expect(page.locator("main")).toContainText(`市人大代表${deputy}询问`);
  await page.goto("/roster");
  await expect(page.getByTestId("roster-table").getByRole("row", { name: new RegExp(deputy) })).toContainText("列席");
});
