import { expect, test, type Page } from "@playwright/test";
import { execute, insert, login, makeAccount, makeCommittee, makeInquiry, makeItem, makeOrganization, pdf, queryAll, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/**
 * 待我办理 (issue 12): what waits for the staff shows in their queue and their bell, one click opens the place of
 * the decision, and a decided record leaves the queue. Every test makes its own records (other specs run in
 * parallel on the same server and add to the same queue): the queue and bell tests work in an inquiry of a
 * committee of their own (makeCommittee), whose one staff account's queue and notifications hold only what the
 * test made, so they are counted exactly.
 */

/** The staff's unread notifications' titles (the first page of /notifications?unread=1). */
async function unreadTitles(page: Page): Promise<string> {
  await page.goto("/notifications?unread=1");
  return (await page.getByTestId("notifications").textContent()) ?? "";
}

async function expectBellCounts(page: Page, unread: number) {
  await expect(page.getByTestId("bell")).toHaveAccessibleName(`通知，${unread} 条未读`);
}

test("a county submits a report: staff see it in 待我办理 and the bell, open it in one click, accept it, and it leaves the queue", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const committee = await makeCommittee();
  const inquiry = await makeInquiry({ stage: "research", organizingBody: committee.name });
  const title = unique("待我办理调研");
  await login(page, committee.staff);
  await expect(page.getByRole("navigation", { name: "主导航" }).getByTestId("queue-count")).toHaveCount(0);
  await page.goto(`/inquiries/${inquiry.id}/surveys`);
  const form = page.locator("#delegate");
  await form.getByLabel("调研题目").fill(title);
  await form.getByLabel("截止日期").fill(shanghaiDate(20));
  await form.getByLabel("温县人大常委会").check();
  await typeRichText(page, form.getByTestId("rte-brief"), "请调研产业扶贫情况。");
  await form.getByRole("button", { name: "委托调研" }).click();
  await expect(page.getByRole("status")).toContainText(`委托调研「${title}」`);
  const card = page.locator(".rs-request").filter({ has: page.getByRole("heading", { name: title }) });
  const href = (await card.getByRole("link", { name: "查看温县人大常委会的调研报告" }).getAttribute("href"))!;
  const delegationId = href.split("/").pop()!;

  const county = await signedIn(browser, "county");
  await county.goto(href);
  await typeRichText(county, county.getByTestId("rte-report"), "温县产业扶贫调研报告：特色产业覆盖全部贫困村。");
  await county.getByRole("button", { name: "提交报告" }).click();
  await expect(county.getByRole("status")).toContainText("调研报告已提交");
  await county.context().close();

  // the home page heads with the queue; the header carries the count: this committee's one waiting report
  await page.goto("/");
  await expect(page.getByTestId("home-queue")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "主导航" }).getByTestId("queue-count")).toHaveText("1");
  await expectBellCounts(page, 1);
  expect(await unreadTitles(page)).toContain(`温县人大常委会提交了调研报告「${title}」，请审阅`);

  // the surveys page marks it as waiting for review
  await page.goto(`/inquiries/${inquiry.id}/surveys`);
  await expect(card.getByTestId(`delegation-${delegationId}`)).toContainText("待采纳或退回");

  await page.goto("/queue?kind=survey_report");
  await expect(page.getByTestId("queue-total")).toHaveText("共 1 项");
  const row = page.getByTestId(`queue-row-survey_report-${delegationId}`);
  await expect(row).toContainText(title);
  await expect(row).toContainText("温县人大常委会");
  await expect(row).toContainText(inquiry.title);
  await expect(row).toContainText("今天");
  await row.getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`/surveys/${delegationId}$`));
  await page.getByRole("button", { name: "采纳报告" }).click();
  await expect(page.getByRole("status")).toContainText("已采纳温县人大常委会的调研报告");

  await page.goto("/queue?kind=survey_report");
  await expect(page.getByTestId("queue-kinds")).toBeVisible();
  await expect(page.getByTestId(`queue-row-survey_report-${delegationId}`)).toHaveCount(0);
  await expect(page.getByTestId("queue-total")).toHaveText("共 0 项");
  await expect(page.getByRole("navigation", { name: "主导航" }).getByTestId("queue-count")).toHaveCount(0);
});

test("an extension request and a closure request: in the queue, the bell and the ledger's filter; decided in one click; gone", async ({ page, browser }) => {
  test.setTimeout(240_000);
  // an item of an inquiry of the test's own committee (items are made through the page in rectification.spec.ts)
  const committee = await makeCommittee();
  const inquiry = await makeInquiry({ stage: "rectification", organizingBody: committee.name, departments: ["市卫生健康委员会"] });
  const problem = unique("乡镇卫生院标准化建设滞后");
  const item = await makeItem(inquiry.id, { problem, lead: "市卫生健康委员会", deadline: shanghaiDate(60) });
  const itemPath = `/rectification/${item.id}`;
  const itemId = String(item.id);
  await login(page, committee.staff);

  // the lead department asks for more time
  const health = await signedIn(browser, "health");
  await health.goto(itemPath);
  const ext = health.getByTestId("extension-form");
  await ext.getByLabel("新的整改时限").fill(shanghaiDate(150));
  await ext.getByLabel("延期理由").fill("设备采购需走政府采购程序。");
  await ext.getByRole("button", { name: "提交延期申请" }).click();
  await expect(health.getByTestId("extension-form")).toContainText("等待人大工作人员审批");

  expect(await unreadTitles(page)).toContain(`市卫生健康委员会申请第 ${item.number} 项整改事项延期，请审批`);
  await expectBellCounts(page, 1);
  // the ledger marks it and filters by it
  await page.goto(`/inquiries/${inquiry.id}/rectification?waiting=extension`);
  const ledgerRow = page.getByTestId("ledger").getByRole("row").filter({ hasText: problem });
  await expect(ledgerRow.getByTestId("pending-extension")).toHaveText("延期申请待审批");

  await page.goto("/queue?kind=extension");
  await expect(page.getByTestId("queue-total")).toHaveText("共 1 项");
  let row = page.getByTestId("queue").getByRole("row").filter({ hasText: problem });
  await expect(row).toContainText("延期申请待审批");
  await row.getByRole("link", { name: new RegExp(problem) }).click();
  await expect(page).toHaveURL(new RegExp(`${itemPath}$`));
  await page.getByTestId("decide-extension").getByRole("button", { name: "批准延期" }).click();
  await expect(page.getByTestId("deadline-history")).toContainText("已批准");
  await page.goto("/queue?kind=extension");
  await expect(page.getByRole("row").filter({ hasText: problem })).toHaveCount(0);
  await page.goto(`/inquiries/${inquiry.id}/rectification?waiting=extension`);
  await expect(page.getByRole("row").filter({ hasText: problem })).toHaveCount(0);

  // progress with evidence, then a closure request
  await health.goto(itemPath);
  await typeRichText(health, health.getByTestId("progress-form").getByTestId("rte-body"), "已完成设备招标。");
  await health.getByTestId("progress-form").locator('input[type="file"]').setInputFiles(pdf("招标结果.pdf"));
  await health.getByTestId("progress-form").getByRole("button", { name: "报送进展" }).click();
  await expect(health.getByTestId("progress-reports")).toContainText("招标结果.pdf");
  await typeRichText(health, health.getByTestId("closure-form").getByTestId("rte-closureBody"), "设备已全部到位，申请销号。");
  await health.getByTestId("closure-form").getByRole("button", { name: "申请销号" }).click();
  await expect(health.getByTestId("item-status-box")).toContainText("申请销号");
  await health.context().close();

  expect(await unreadTitles(page)).toContain(`市卫生健康委员会申请第 ${item.number} 项整改事项销号，请审核`);
  await expectBellCounts(page, 2);
  await page.goto(`/inquiries/${inquiry.id}/rectification?waiting=closure`);
  await expect(page.getByTestId("ledger").getByRole("row").filter({ hasText: problem }).getByTestId("pending-closure")).toBeVisible();
  await page.goto("/queue?kind=closure");
  row = page.getByTestId(`queue-row-closure-${itemId}`);
  await expect(row).toContainText(problem);
  await row.getByRole("link", { name: new RegExp(problem) }).click();
  await expect(page).toHaveURL(new RegExp(`${itemPath}$`));
  await page.getByTestId("review-closure").getByRole("button", { name: "同意销号" }).click();
  // 销号 asks first (issue 13)
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("item-status-box")).toContainText("已销号");
  await page.goto("/queue?kind=closure");
  await expect(page.getByTestId(`queue-row-closure-${itemId}`)).toHaveCount(0);
  await page.goto("/queue");
  await expect(page.getByTestId("queue-total")).toHaveText("共 0 项");
});

test("a staff account of another committee sees none of the inquiry in its queue; departments get 403", async ({ browser }) => {
  // the queue of a committee that organises no inquiry is empty, whatever waits elsewhere (accounts are made
  // through the administration pages in auth.spec.ts)
  const office = await queryAll<{ id: number }>("select id from organizations where name = '市人大常委会办公室'");
  const account = await makeAccount("staff", { organizationId: office[0].id, displayName: "王其他", prefix: "otherstaff" });
  const other = await signedIn(browser, account.username);
  await other.goto("/queue");
  await expect(other.getByTestId("queue-total")).toHaveText("共 0 项");
  await expect(other.getByTestId("queue-count")).toHaveCount(0);
  await other.context().close();
  const health = await signedIn(browser, "health");
  expect((await health.goto("/queue"))?.status()).toBe(403);
  await health.context().close();
});

test("the stage selector never offers 办结; closing with open items is refused with the reasons", async ({ page }) => {
  await login(page, "staff");
  await page.goto("/inquiries/1");
  const select = page.getByTestId("stage-form").getByLabel("更正所处阶段");
  await expect(select).toBeVisible();
  const options = await select.locator("option").allTextContents();
  expect(options.some((o) => o.includes("办结"))).toBe(false);
  expect(options.some((o) => o.includes("整改督办"))).toBe(true);
  await expect(page.getByTestId("stage-form").getByRole("link", { name: "办结页面" })).toHaveAttribute("href", "/inquiries/1/close");
  // a forged post is refused with the reason, and changes nothing
  const version = (await queryAll<{ version: number; stage: string }>("select version, stage from inquiries where id = 1"))[0];
  const forged = await page.request.post("/inquiries/1", { form: { intent: "stage", version: String(version.version), stage: "closed", reason: "测试" }, maxRedirects: 0 });
  expect(forged.status()).toBe(400);
  // a hand correction needs a reason, kept next to the field
  await select.selectOption({ label: "询问会" });
  await page.getByTestId("stage-form").getByRole("button", { name: "更正阶段" }).click();
  await expect(page.getByText("请填写调整阶段的理由")).toBeVisible();
  expect((await queryAll<{ stage: string }>("select stage from inquiries where id = 1"))[0].stage).toBe(version.stage);

  // the close page states why not, and a post is refused
  await page.goto("/inquiries/1/close");
  await expect(page.getByTestId("closing-blocked")).toContainText(/暂不能办结：尚有 \d+ 项整改事项未销号或结转/);
  await expect(page.getByRole("button", { name: "办结" })).toBeDisabled();
  const v = (await queryAll<{ version: number }>("select version from inquiries where id = 1"))[0].version;
  const refused = await page.request.post("/inquiries/1/close", { form: { version: String(v), record: "办结", record__format: "plain" }, maxRedirects: 0 });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("暂不能办结");
  const after = (await queryAll<{ stage: string; closed_at: string | null }>("select stage, closed_at from inquiries where id = 1"))[0];
  expect(after.stage).not.toBe("closed");
  expect(after.closed_at).toBeNull();
});

test("a department's home lists its preparation answers until the meeting, and no longer after it", async ({ page }) => {
  const now = new Date().toISOString();
  const title = unique("准备答复询问");
  const question = unique("如何提高基层医疗服务能力");
  const [health] = await queryAll<{ id: number }>("select id from organizations where name = '市卫生健康委员会'");
  const inquiryId = await insert(
    "insert into inquiries (title, congress, organizing_body, meeting_date, stage, plan_status, outline_status, created_at, updated_at) values (?, '焦作市人大常委会', '市人大常委会农业农村工作委员会', ?, 'outline', 'approved', 'issued', ?, ?)",
    [title, shanghaiDate(10), now, now],
  );
  const keywordId = await insert("insert into outline_keywords (inquiry_id, keyword, position, created_at, updated_at) values (?, '健康扶贫', 1, ?, ?)", [inquiryId, now, now]);
  const questionId = await insert(
    "insert into outline_questions (inquiry_id, keyword_id, text, department_id, position, created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?)",
    [inquiryId, keywordId, question, health.id, now, now],
  );
  const snapshot = JSON.stringify({
    keywords: [{ id: keywordId, keyword: "健康扶贫", headline: "", questions: [{ id: questionId, text: question, departmentId: health.id, departmentName: "市卫生健康委员会", questionerName: "马爱国", questionerRole: "市人大常委会委员", sources: [] }] }],
  });
  const versionId = await insert("insert into outline_versions (inquiry_id, number, status, snapshot_json, submitted_at, issued_at) values (?, 1, 'approved', ?, ?, ?)", [inquiryId, snapshot, now, now]);
  await execute("update inquiries set outline_issued_version_id = ? where id = ?", [versionId, inquiryId]);

  await login(page, "health");
  await expect(page.getByText(question.slice(0, 60))).toBeVisible();
  // the meeting has been held (yesterday): the to-do is overtaken
  await execute("update inquiries set meeting_date = ? where id = ?", [shanghaiDate(-1), inquiryId]);
  await page.reload();
  await expect(page.getByTestId("home-role")).toBeVisible();
  await expect(page.getByText(question.slice(0, 60))).toHaveCount(0);
  // /my keeps it as history, not as a to-do
  await page.goto("/my");
  const group = page.locator(".ol-my-group").filter({ hasText: title });
  await expect(group).toContainText("书面准备答复已结束");
  await expect(group.getByRole("link", { name: `第 1 题的书面准备答复` })).toHaveText("查看");
});

test("催办: staff chase an overdue item; the lead department is notified; the history records it; the 催办函 downloads", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // a department of its own as the lead: its notifications are only this test's
  const committee = await makeCommittee();
  const lead = await makeOrganization("department", "市督办测试局");
  const liaison = await makeAccount("department", { organizationId: lead.id, displayName: `${lead.name}联络员`, prefix: "chased" });
  const inquiry = await makeInquiry({ stage: "rectification", organizingBody: committee.name, departments: [lead.name] });
  const problem = unique("农村饮水安全工程进度滞后");
  const { id: itemId } = await makeItem(inquiry.id, { problem, lead: lead.name, deadline: shanghaiDate(30) });
  const itemPath = `/rectification/${itemId}`;
  await login(page, committee.staff);
  await page.goto(itemPath);
  // not yet near its deadline: nothing to chase
  await expect(page.getByTestId("chase-refusal")).toHaveText("尚未临近期限，暂不需要催办");
  // the deadline passed three days ago (a deadline cannot be set in the past through the pages)
  await execute("update rectification_items set deadline = ? where id = ?", [shanghaiDate(-3), itemId]);
  await page.reload();
  const panel = page.getByTestId("chase-panel");
  await panel.getByLabel("催办意见（可选）").fill("请于三日内报送整改进展。");
  await panel.getByRole("button", { name: "催办" }).click();
  await expect(page.getByRole("status")).toContainText(`已向${lead.name}催办`);
  await expect(page.getByTestId("chase-list")).toContainText("请于三日内报送整改进展。");
  await expect(page.getByTestId("history")).toContainText("催办");
  const letter = page.getByTestId("chase-list").getByRole("link", { name: "下载催办函" }).first();
  const href = (await letter.getAttribute("href"))!;
  const docx = await page.request.get(href);
  expect(docx.status()).toBe(200);
  expect(docx.headers()["content-type"]).toContain("wordprocessingml");
  expect(decodeURIComponent(docx.headers()["content-disposition"])).toContain(`催办函（${lead.name}`);

  const chased = await signedIn(browser, liaison.username);
  await chased.goto("/notifications?unread=1");
  const note = chased.getByTestId("notifications").getByRole("link", { name: new RegExp(`催办：.*${problem.slice(0, 20)}`) });
  await expect(note).toContainText("已逾期 3 天");
  await note.click();
  await expect(chased).toHaveURL(new RegExp(`${itemPath}$`));
  await expect(chased.getByTestId("chase-list")).toContainText("请于三日内报送整改进展。");
  expect((await chased.request.get(href)).status()).toBe(200);
  // another department may neither read the letter nor chase
  const education = await signedIn(browser, "education");
  expect((await education.request.get(href)).status()).toBe(403);
  const forged = await education.request.post("/chase-ups", { form: { targetType: "item", targetId: String(itemId), note: "" }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);
  for (const p of [chased, education]) await p.context().close();
});
