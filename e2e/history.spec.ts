import { expect, test } from "@playwright/test";
import ExcelJS from "exceljs";
import { login, queryAll, typeRichText, unique } from "./fixtures";

/**
 * Issue 13: an office's real history (补录), correcting mistakes (作废, undo of 销号), imports that cannot duplicate.
 * Every test creates the data it counts (other tests work on the demo inquiry at the same time).
 */

async function sheet(rows: string[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("整改事项");
  ws.addRow(["问题", "整改要求", "牵头单位", "配合单位", "整改时限"]);
  for (const r of rows) ws.addRow(r);
  return { name: "整改事项.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}

test("staff enter a 2020 inquiry as back-entry with its real dates; the timeline reads in order, no reminder goes out; a voided item leaves the counts; an undone 销号 returns to 整改中", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, "staff");
  const title = unique("2020年补录专题询问");

  // register it as back-entry, with its 2020 meeting
  await page.goto("/inquiries/new");
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问主题").fill("全市脱贫攻坚工作");
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByLabel("询问会日期（计划）").fill("2020-09-22");
  await page.getByRole("checkbox", { name: "市卫生健康委员会" }).check();
  await page.getByRole("checkbox", { name: /补录/ }).check();
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("back-entry-notice")).toBeVisible();

  // the plan: submitted and approved on their real dates; a decision before the submission is refused
  await page.goto(`/inquiries/${id}/plan`);
  await typeRichText(page, page.getByTestId("rte-plan"), "2020年全市脱贫攻坚工作专题询问工作方案");
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await expect(page.getByText("工作方案已保存")).toBeVisible();
  await page.getByLabel("提请审议日期（补录）").fill("2020-05-06");
  await page.getByRole("button", { name: "提请主任会议审议" }).click();
  await expect(page.getByTestId("plan-history")).toContainText("2020年5月6日");
  await page.getByLabel("批准").check();
  await page.getByLabel("审议日期").fill("2020-05-01");
  await page.getByRole("button", { name: "记录审议结果" }).click();
  await expect(page.getByText("审议日期不能早于提请审议日期（2020年5月6日）")).toBeVisible();
  await expect(page.getByLabel("审议日期")).toHaveValue("2020-05-01");
  expect(await queryAll("select id from plan_decisions where inquiry_id = ? and action = 'approved'", [id])).toHaveLength(0);
  await page.getByLabel("批准").check();
  await page.getByLabel("审议日期").fill("2020-05-10");
  await page.getByRole("button", { name: "记录审议结果" }).click();
  await expect(page).toHaveURL(new RegExp(`/inquiries/${id}$`));

  // items with 2020 deadlines: one before the meeting is refused next to the field, input kept
  await page.goto(`/inquiries/${id}/rectification/new`);
  await page.getByLabel("问题").fill("家庭医生签约服务履约不到位");
  await page.getByLabel("牵头单位").selectOption({ label: "市卫生健康委员会" });
  await page.getByLabel("整改时限").fill("2020-09-01");
  await page.getByLabel("交办日期（补录）").fill("2020-10-08");
  await page.getByRole("button", { name: "交办整改事项" }).click();
  await expect(page.getByText("整改时限不能早于询问会日期（2020年9月22日）")).toBeVisible();
  await expect(page.getByLabel("问题")).toHaveValue("家庭医生签约服务履约不到位");
  await page.getByLabel("整改时限").fill("2020-12-31");
  await page.getByRole("button", { name: "交办整改事项" }).click();
  await expect(page).not.toHaveURL(/\/new/);
  const [item] = await queryAll<{ id: number }>("select id from rectification_items where inquiry_id = ? order by id", [id]);

  // 销号 on its real date (asks first), marked as back-entered
  await page.goto(`/rectification/${item.id}`);
  const close = page.getByTestId("back-entry-close");
  await close.getByLabel("销号日期（补录）").fill("2020-12-20");
  await close.getByLabel("销号依据").fill("焦卫〔2020〕88号销号报告");
  await close.getByRole("button", { name: "补录销号" }).click();
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("item-status-box")).toContainText("已销号");
  await expect(page.getByTestId("history")).toContainText("2020年12月20日");
  // both the 交办 and the 销号 were back-entered
  await expect(page.getByTestId("history").getByTestId("back-entered")).toHaveCount(2);

  // the timeline reads in order
  await page.goto(`/inquiries/${id}`);
  const dates = await page.getByTestId("chronicle").locator("li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-date")));
  expect(dates).toEqual(["2020-05-06", "2020-05-10", "2020-09-22", "2020-12-20"]);
  await expect(page.getByTestId("chronicle")).toContainText("整改事项 #1 销号");

  // no reminder or notice went out for the back-entered history
  expect(await queryAll("select id from notifications where link like ?", [`/rectification/${item.id}%`])).toHaveLength(0);

  // an undone 销号 (reason required, asks first) returns the item to 整改中
  await page.goto(`/rectification/${item.id}`);
  await page.getByTestId("undo-form").getByRole("button", { name: "撤销销号" }).click();
  await expect(page.getByTestId("undo-form").getByText("撤销销号时请填写理由")).toBeVisible();
  await page.getByTestId("undo-form").getByLabel("撤销理由").fill("销号依据有误");
  await page.getByTestId("undo-form").getByRole("button", { name: "撤销销号" }).click();
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("item-status-box")).toContainText("整改中");
  await expect(page.getByTestId("history")).toContainText("撤销销号");

  // a voided item leaves the ledger and its counts; it stays in the 已作废 view and the audit log
  await page.goto(`/inquiries/${id}/rectification`);
  await expect(page.getByLabel("整改事项概况")).toContainText("1 整改中");
  await page.goto(`/rectification/${item.id}`);
  await page.getByTestId("void-item").locator("summary").click();
  await page.getByTestId("void-item").getByRole("button", { name: "作废" }).click();
  await expect(page.getByTestId("void-item").getByText("请填写作废理由")).toBeVisible();
  await page.getByTestId("void-item").getByLabel("作废理由").fill("录入有误");
  await page.getByTestId("void-item").getByRole("button", { name: "作废" }).click();
  await expect(page).toHaveURL(new RegExp(`/inquiries/${id}/rectification$`));
  await expect(page.getByLabel("整改事项概况")).toContainText("0 整改中");
  await page.goto(`/inquiries/${id}/voided`);
  await expect(page.getByTestId("voided-list")).toContainText("录入有误");
  expect(await queryAll("select id from audit_log where action = 'rectification_item.void' and entity_id = ?", [String(item.id)])).toHaveLength(1);
});

test("the same import sheet uploaded twice creates its items once; a voided item vanishes from the ledger, search and the public page", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await login(page, "staff");
  const problem = unique("导入查重问题");
  const file = await sheet([[problem, "", "市卫生健康委员会", "", "2099-06-30"]]);
  for (let round = 1; round <= 2; round++) {
    await page.goto("/inquiries/1/rectification/import");
    await page.getByLabel("Excel 文件（.xlsx）").setInputFiles(file);
    await page.getByRole("button", { name: "检查并导入" }).click();
    await expect(page.getByTestId("import-summary")).toBeVisible();
  }
  await expect(page.getByTestId("import-skipped")).toContainText("第 2 行");
  await expect(page.getByTestId("import-skipped")).toContainText("已在整改台账中");
  const items = await queryAll<{ id: number; number: number }>("select id, number from rectification_items where problem = ?", [problem]);
  expect(items).toHaveLength(1);
  const [item] = items;

  // before: on the ledger, in search and on the public page (the demo inquiry's status is public)
  await page.goto("/inquiries/1/rectification?status=todo");
  await expect(page.getByTestId("ledger")).toContainText(problem);
  await page.goto(`/search?q=${encodeURIComponent(problem)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto("/public/inquiries/1");
  await expect(anonymous.locator("main")).toContainText(problem);

  // void it
  await page.goto(`/rectification/${item.id}`);
  await page.getByTestId("void-item").locator("summary").click();
  await page.getByTestId("void-item").getByLabel("作废理由").fill("重复导入的测试事项");
  await page.getByTestId("void-item").getByRole("button", { name: "作废" }).click();
  await expect(page).toHaveURL(/\/inquiries\/1\/rectification$/);
  await page.goto("/inquiries/1/rectification?status=todo");
  await expect(page.getByTestId("ledger")).not.toContainText(problem);
  await page.goto(`/search?q=${encodeURIComponent(problem)}`);
  await expect(page.locator("main")).toBeVisible();
  expect(await page.locator(".search-results li").filter({ hasText: problem }).count()).toBe(0);
  await anonymous.goto("/public/inquiries/1");
  expect((await anonymous.content()).includes(problem)).toBe(false);
  await anonymous.context().close();
  // still in the audit log
  await page.goto("/admin/audit");
  expect(await queryAll("select summary from audit_log where action = 'rectification_item.void' and entity_id = ?", [String(item.id)])).toEqual([
    { summary: expect.stringContaining("重复导入的测试事项") },
  ]);
});

test("departments and counties may not void, undo or back-enter: 403, nothing changed", async ({ browser }) => {
  const [item] = await queryAll<{ id: number; version: number; status: string }>("select id, version, status from rectification_items where inquiry_id = 1 and voided_at is null order by id limit 1");
  for (const who of ["health", "county"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, who);
    for (const intent of ["void", "undo_close", "undo_carry_over"]) {
      const r = await page.request.post(`/rectification/${item.id}`, { form: { intent, version: String(item.version), reason: "越权", comment: "越权", confirmed: "1" }, maxRedirects: 0 });
      expect([403, 404], `${who} ${intent}`).toContain(r.status());
    }
    expect((await page.request.post("/inquiries/1", { form: { intent: "void", version: "1", reason: "越权" }, maxRedirects: 0 })).status()).toBe(403);
    expect((await page.request.post("/inquiries/1/voided", { form: { target: `segment:1`, reason: "越权" }, maxRedirects: 0 })).status()).toBe(403);
    await context.close();
  }
  expect(await queryAll("select id from rectification_items where id = ? and voided_at is null and status = ?", [item.id, item.status])).toHaveLength(1);
  expect(await queryAll("select id from meeting_segments where id = 1 and voided_at is null")).toHaveLength(1);
});
