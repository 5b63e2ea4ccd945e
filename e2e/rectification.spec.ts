import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import { login, makeInquiry, makeItem, queryAll, pdf, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/**
 * 整改督办 and the handling report, across roles, in the browser. The ledger, import and report tests work in
 * inquiries of their own: the other worker adds items to the demo inquiry's ledger while they run.
 */

/** 2020-09-22 → 2020年9月22日 */
function chineseDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

async function sheet(rows: (string | Date)[][]): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("整改事项");
  ws.addRow(["问题", "整改要求", "牵头单位", "配合单位", "整改时限"]);
  for (const r of rows) ws.addRow(r);
  return { name: "整改事项.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from(await wb.xlsx.writeBuffer()) };
}

const status = (page: Page) => page.getByTestId("item-status-box");

test("an exchange becomes an item; lead and co-department report; extension, return and closure; a third department gets 403; the export holds it", async ({ browser }) => {
  test.setTimeout(240_000);
  const marker = unique("建立健康扶贫长效机制");
  const staff = await signedIn(browser, "staff");

  // Staff turn the health exchange into an item for 市卫生健康委员会 with 市教育局 as co-department, in one form.
  await staff.goto("/inquiries/1/rectification/new");
  const exchange = staff.getByTestId("exchange-sources").locator("tr", { hasText: "患病是致贫返贫的重要原因" });
  await exchange.getByRole("link", { name: /转为整改事项/ }).click();
  await expect(staff.getByTestId("source-label")).toContainText("询问会问答");
  await expect(staff.getByLabel("问题")).toHaveValue(/患病是致贫返贫的重要原因/);
  await expect(staff.getByLabel("牵头单位").locator("option:checked")).toHaveText("市卫生健康委员会");
  await staff.getByLabel("整改要求").fill(marker);
  await staff.getByRole("checkbox", { name: "市教育局" }).check();
  const deadline = shanghaiDate(90);
  await staff.getByLabel("整改时限").fill(deadline);
  await staff.getByRole("button", { name: "交办整改事项" }).click();
  await expect(staff).toHaveURL(/\/rectification\/\d+$/);
  const itemPath = new URL(staff.url()).pathname;
  // the item is titled by its problem; its number within the inquiry is "第 N 项整改事项"
  const numberLine = (await staff.getByTestId("item-number").textContent()) ?? "";
  const number = /第 (\d+) 项/.exec(numberLine)?.[1] ?? "";
  await expect(status(staff)).toContainText("待整改");
  await expect(staff.getByTestId("item-lead")).toHaveText("市卫生健康委员会");
  await expect(staff.getByTestId("item-co")).toHaveText("市教育局");
  await expect(staff.getByTestId("item-source")).toContainText("赵朝阳");
  await expect(staff.getByTestId("item-source")).toContainText("患病是致贫返贫的重要原因");
  // …and the exchange shows its item
  await staff.goto("/inquiries/1/rectification/new");
  await expect(staff.getByTestId("exchange-sources").locator("tr", { hasText: "患病是致贫返贫的重要原因" })).toContainText(`已转为第 ${number} 项整改事项`);

  // A (health, lead) reports progress with evidence: 待整改 → 整改中.
  const health = await signedIn(browser, "health");
  await health.goto(itemPath);
  const progress = health.getByTestId("progress-form");
  await typeRichText(health, progress.getByTestId("rte-body"), "已完成全市慢性病患者签约服务核查。");
  await progress.locator('input[type="file"]').setInputFiles(pdf("签约服务核查台账.pdf"));
  await progress.getByRole("button", { name: "报送进展" }).click();
  await expect(status(health)).toContainText("整改中");
  await expect(health.getByTestId("progress-reports")).toContainText("签约服务核查台账.pdf");
  const evidenceHref = await health.getByTestId("progress-reports").locator('a[href^="/attachments/"]').first().getAttribute("href");
  expect(evidenceHref).toBeTruthy();

  // B (education, co-department) adds its report; it may not request closure or extension.
  const education = await signedIn(browser, "education");
  await education.goto(itemPath);
  await expect(education.getByTestId("closure-form")).toHaveCount(0);
  await expect(education.getByTestId("extension-form")).toHaveCount(0);
  await typeRichText(education, education.getByTestId("progress-form").getByTestId("rte-body"), "配合开展学生家庭因病致贫情况排查。");
  await education.getByTestId("progress-form").getByRole("button", { name: "报送进展" }).click();
  await expect(education.getByTestId("progress-reports")).toContainText("市教育局");
  const refused = await education.request.post(itemPath, { form: { intent: "request_extension", requestedDeadline: shanghaiDate(200), reason: "x" }, maxRedirects: 0 });
  expect(refused.status()).toBe(403);

  // A requests an extension; staff approve it; the original deadline stays visible with who approved.
  const newDeadline = shanghaiDate(120);
  await health.goto(itemPath);
  const ext = health.getByTestId("extension-form");
  await ext.getByLabel("新的整改时限").fill(newDeadline);
  await ext.getByRole("button", { name: "提交延期申请" }).click();
  await expect(health.getByText("请填写延期理由")).toBeVisible();
  await ext.getByLabel("延期理由").fill("慢性病签约服务需覆盖全部乡镇，工作量大。");
  await ext.getByRole("button", { name: "提交延期申请" }).click();
  await expect(health.getByTestId("extension-form")).toContainText("等待人大工作人员审批");

  await staff.goto(itemPath);
  const decide = staff.getByTestId("decide-extension");
  await decide.getByLabel("审批意见").fill("同意延期。");
  await decide.getByRole("button", { name: "批准延期" }).click();
  await expect(staff.getByTestId("item-deadline")).toContainText(chineseDate(newDeadline));
  await expect(staff.getByTestId("item-deadline")).toContainText(`原定 ${chineseDate(deadline)}`);
  const history = staff.getByTestId("deadline-history");
  await expect(history).toContainText("已批准");
  await expect(history).toContainText("刘静");

  // A requests closure (the evidence is already there); staff return it, A requests again, staff close it.
  await health.goto(itemPath);
  await typeRichText(health, health.getByTestId("closure-form").getByTestId("rte-closureBody"), "签约服务已全覆盖，申请销号。");
  await health.getByTestId("closure-form").getByRole("button", { name: "申请销号" }).click();
  await expect(status(health)).toContainText("申请销号");

  await staff.goto(itemPath);
  const review = staff.getByTestId("review-closure");
  await review.getByRole("button", { name: "退回" }).click();
  await expect(staff.getByText("退回时请填写意见")).toBeVisible();
  await review.getByLabel("退回意见").fill("请补充乡镇卫生院签约明细。");
  await review.getByRole("button", { name: "退回" }).click();
  await expect(status(staff)).toContainText("整改中");

  await health.goto(itemPath);
  await expect(health.getByTestId("return-comment")).toContainText("请补充乡镇卫生院签约明细");
  await typeRichText(health, health.getByTestId("closure-form").getByTestId("rte-closureBody"), "已补充签约明细。");
  await health.getByTestId("closure-form").locator('input[type="file"]').setInputFiles(pdf("乡镇签约明细.pdf"));
  await health.getByTestId("closure-form").getByRole("button", { name: "申请销号" }).click();
  await expect(status(health)).toContainText("申请销号");

  await staff.goto(itemPath);
  await staff.getByTestId("review-closure").getByRole("button", { name: "同意销号" }).click();
  // 销号 asks first (issue 13)
  await staff.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(status(staff)).toContainText("已销号");
  await expect(staff.getByTestId("history")).toContainText("退回销号申请");
  await expect(staff.getByTestId("history")).toContainText("销号");

  // A third department (the government's liaison, 市政府) sees neither the item nor its evidence.
  const gov = await signedIn(browser, "gov");
  const page403 = await gov.goto(itemPath);
  expect(page403?.status()).toBe(403);
  await expect(gov.getByText("该整改事项不属于您所在的单位")).toBeVisible();
  expect((await gov.request.get(evidenceHref!, { maxRedirects: 0 })).status()).toBe(403);
  expect((await gov.request.post(itemPath, { form: { intent: "progress", body: "越权", body__format: "plain" }, maxRedirects: 0 })).status()).toBe(403);
  expect((await health.request.get(evidenceHref!, { maxRedirects: 0 })).status()).toBe(200);

  // The Excel export holds the item, with the office columns.
  const xlsx = await staff.request.get("/inquiries/1/rectification.xlsx");
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()["content-type"]).toContain("spreadsheetml");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await xlsx.body()) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  expect(ws.getRow(2).values).toEqual([undefined, "序号", "问题", "整改要求", "来源", "牵头单位", "配合单位", "整改时限", "进展情况", "状态", "销号日期", "灯", "备注"]);
  let found: ExcelJS.Row | undefined;
  ws.eachRow((row) => {
    if (row.getCell(3).value === marker) found = row;
  });
  expect(found, "the exported ledger holds the new item").toBeTruthy();
  expect(found!.getCell(1).value).toBe(Number(number));
  expect(found!.getCell(5).value).toBe("市卫生健康委员会");
  expect(found!.getCell(6).value).toBe("市教育局");
  // a date cell (sortable), shown as 2020年9月22日
  expect((found!.getCell(7).value as Date).toISOString().slice(0, 10)).toBe(newDeadline);
  expect(found!.getCell(7).numFmt).toBe('yyyy"年"m"月"d"日";@');
  expect(String(found!.getCell(8).value)).toContain("已补充签约明细");
  expect(found!.getCell(9).value).toBe("已销号");
  expect(found!.getCell(10).value).toBeInstanceOf(Date);
  expect(String(found!.getCell(12).value)).toContain(`原定${chineseDate(deadline)}`);

  for (const p of [staff, health, education, gov]) await p.context().close();
});

test("the ledger: an overdue item shows red; filters by department, status and light; the lights are stated in calendar days", async ({ page }) => {
  const inquiry = await makeInquiry({ stage: "rectification", departments: ["市人力资源和社会保障局", "市住房和城乡建设局", "市教育局"] });
  const overdue = unique("公益岗位管理不规范");
  const closed = unique("危房改造验收滞后");
  const near = unique("控辍保学台账不全");
  await makeItem(inquiry.id, { problem: overdue, lead: "市人力资源和社会保障局", deadline: shanghaiDate(-5), status: "in_progress" });
  await makeItem(inquiry.id, { problem: closed, lead: "市住房和城乡建设局", deadline: shanghaiDate(-30), status: "closed" });
  await makeItem(inquiry.id, { problem: near, lead: "市教育局", deadline: shanghaiDate(5) });
  await login(page, "staff");
  await page.goto(`/inquiries/${inquiry.id}/rectification`);
  await expect(page.getByText("期限按自然日（日历日）计算").first()).toBeVisible();
  await expect(page.getByTestId("rect-progress")).toContainText("已销号");
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(3);
  await page.getByLabel("期限").selectOption("red");
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/light=red/);
  const red = page.getByTestId("ledger").locator("tbody tr");
  await expect(red).toHaveCount(1);
  await expect(red.first().locator('[data-light="red"]')).toContainText("已逾期");
  await expect(page.getByTestId("ledger")).toContainText(overdue);
  // status filter: the closed items only
  await page.goto(`/inquiries/${inquiry.id}/rectification?department=&status=closed`);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("ledger")).toContainText(closed);
  await expect(page.getByTestId("ledger")).not.toContainText(overdue);
  // department filter: the education bureau's one item
  await page.goto(`/inquiries/${inquiry.id}/rectification?department=${(await queryAll<{ id: number }>("select id from organizations where name = '市教育局'"))[0].id}`);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("ledger")).toContainText(near);
  await expect(page.getByLabel("单位（牵头或配合）")).toHaveValue(/\d+/);
  // cleared: the fields show no filter either (they kept the last one's values before they were keyed by the query)
  await page.getByRole("link", { name: "清除筛选" }).click();
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByLabel("单位（牵头或配合）")).toHaveValue("");
  await expect(page.getByLabel("期限")).toHaveValue("");
});

test("import: a sheet with a bad row is refused with the row named and nothing imported; a clean sheet is imported", async ({ page }) => {
  const inquiry = await makeInquiry({ stage: "rectification" });
  await login(page, "staff");
  const template = await page.request.get(`/inquiries/${inquiry.id}/rectification/template.xlsx`);
  expect(template.status()).toBe(200);
  expect(template.headers()["content-type"]).toContain("spreadsheetml");

  const good = unique("饮水设施老化改造");
  const missing = unique("缺少问题的一行");
  await page.goto(`/inquiries/${inquiry.id}/rectification/import`);
  await page.getByLabel("Excel 文件（.xlsx）").setInputFiles(
    await sheet([
      [good, "制定改造计划", "市水利局", "", shanghaiDate(60)],
      ["扶贫资金监管", "", "市扶贫办", "", shanghaiDate(60)],
      ["", missing, "市教育局", "", "明年"],
    ]),
  );
  await page.getByRole("button", { name: "检查并导入" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("未导入任何事项");
  await expect(errors).toContainText("第 3 行");
  await expect(errors).toContainText("牵头单位「市扶贫办」不是系统中的单位名称");
  await expect(errors).toContainText("第 4 行");
  await expect(errors).toContainText("缺少问题");
  expect(await queryAll("SELECT id FROM rectification_items WHERE inquiry_id = ?", [inquiry.id])).toEqual([]);
  await page.goto(`/inquiries/${inquiry.id}/rectification`);
  await expect(page.locator("main")).not.toContainText(good);

  await page.goto(`/inquiries/${inquiry.id}/rectification/import`);
  await page.getByLabel("Excel 文件（.xlsx）").setInputFiles(
    await sheet([
      [good, "制定改造计划", "市水利局", "市住房和城乡建设局", shanghaiDate(60)],
      [`${good}（二）`, "", "市教育局", "", `${shanghaiDate(30).replace(/-/g, "/")}`],
    ]),
  );
  await page.getByRole("button", { name: "检查并导入" }).click();
  await expect(page.getByTestId("import-summary")).toContainText("已导入 2 项整改事项");
  await page.goto(`/inquiries/${inquiry.id}/rectification?department=&status=todo`);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("ledger")).toContainText(good);
});

test("a handling report voted down by the members requires re-submission", async ({ browser }) => {
  test.setTimeout(180_000);
  // an inquiry whose meeting was held ten days ago (inquiries are registered through the form in inquiries.spec.ts)
  const { id: inquiryId } = await makeInquiry({ stage: "rectification", meetingDate: shanghaiDate(-10) });
  const staff = await signedIn(browser, "staff");
  const reportPath = `/inquiries/${inquiryId}/handling-report`;

  await staff.goto(reportPath);
  await expect(staff.getByTestId("due-date")).toContainText("默认");
  const due = shanghaiDate(30);
  await staff.getByLabel("报送期限").fill(due);
  await staff.getByRole("button", { name: "保存" }).click();
  await expect(staff.getByTestId("due-date")).toHaveText(chineseDate(due));

  // a department other than the government may not read it
  const health = await signedIn(browser, "health");
  expect((await health.goto(reportPath))?.status()).toBe(403);

  const gov = await signedIn(browser, "gov");
  await gov.goto(reportPath);
  await typeRichText(gov, gov.getByTestId("submit-report").getByTestId("rte-body"), "关于专题询问意见研究处理情况的报告：已逐条研究落实。");
  await gov.getByTestId("submit-report").getByRole("button", { name: "报送报告" }).click();
  await expect(gov.getByTestId("report-status")).toContainText("已报送");

  await staff.goto(reportPath);
  await staff.getByRole("button", { name: "开始满意度测评" }).click();
  await expect(staff.getByTestId("vote-state")).toContainText("测评进行中");

  const member = await signedIn(browser, "member");
  await member.goto(reportPath);
  await expect(member.getByTestId("report-body")).toContainText("已逐条研究落实");
  await member.getByTestId("ballot").getByLabel("不满意").check();
  await member.getByTestId("ballot").getByRole("button", { name: "提交测评意见" }).click();
  await expect(member.getByTestId("my-vote")).toContainText("您已投票");

  await staff.goto(reportPath);
  await expect(staff.getByTestId("vote-state")).toContainText("已有 1 人投票");
  const again = shanghaiDate(45);
  await staff.getByLabel("如测评未通过，重新报告的期限").fill(again);
  await staff.getByRole("button", { name: "结束测评" }).click();
  await expect(staff.getByTestId("report-status")).toContainText("第 2 轮");
  await expect(staff.getByTestId("report-status")).toContainText("待报送");
  await expect(staff.getByTestId("due-date")).toHaveText(chineseDate(again));
  await expect(staff.getByTestId("round-1")).toContainText("须重新报告");
  await expect(staff.getByTestId("round-1")).toContainText("不满意 1");

  // the government must report again
  await gov.goto(reportPath);
  await expect(gov.getByTestId("submit-report")).toBeVisible();
  // and the inquiry cannot be closed while the report is not accepted
  await staff.goto(`/inquiries/${inquiryId}/close`);
  await expect(staff.getByTestId("closing-blocked")).toContainText("研究处理情况报告（第 2 轮）尚未通过");

  for (const p of [staff, health, gov, member]) await p.context().close();
});

test("departments see only their own items: 403 on another department's item, its evidence, the ledger and staff pages", async ({ page }) => {
  await login(page, "education");
  // 市水利局's item #7 and 市卫生健康委员会's closed item #2 of the demo
  for (const path of ["/rectification/7", "/rectification/2", "/inquiries/1/rectification", "/inquiries/1/rectification.xlsx", "/inquiries/1/rectification/new", "/inquiries/1/rectification/import", "/inquiries/1/close"]) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBe(403);
  }
  const posted = await page.request.post("/rectification/7", { form: { intent: "progress", body: "越权报送", body__format: "plain" }, maxRedirects: 0 });
  expect(posted.status()).toBe(403);
  // its own item (#10, lead) is there, with the light
  await page.goto("/rectification/10");
  await expect(page.getByTestId("item-number")).toContainText("第 10 项整改事项");
  await expect(page.getByTestId("progress-form")).toBeVisible();
  // evidence of another department's item
  await page.context().clearCookies();
  await login(page, "health");
  await page.goto("/rectification/2");
  const href = await page.getByTestId("progress-reports").locator('a[href^="/attachments/"]').first().getAttribute("href");
  await page.context().clearCookies();
  await login(page, "education");
  expect((await page.request.get(href!, { maxRedirects: 0 })).status()).toBe(403);
});
