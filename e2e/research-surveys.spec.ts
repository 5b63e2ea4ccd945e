import { expect, test } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { execute, login, logout, pdf, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/** Pre-inquiry research (会前调研) and delegated county surveys (委托调研), in the browser. */

test.describe("会前调研", () => {
  test("staff record an activity with findings and a PDF; bad input is refused next to the field; they add a clue", async ({ page }) => {
    const title = unique("乡村医疗专题调研");
    const findings = "部分贫困户反映医疗报销周期较长，基层卫生室药品不全。";
    await login(page, "staff");
    await page.goto("/inquiries/1/research");
    await expect(page.getByRole("heading", { name: "会前调研", level: 1 })).toBeVisible();
    const form = page.locator("#new-activity");
    const editor = form.getByTestId("rte-findings");
    await form.getByLabel("调研形式").selectOption("专题调研");
    await form.getByLabel("活动名称").fill(title);
    await form.getByLabel("地点").fill("温县、武陟县");
    await form.getByLabel("参加人员").fill("农业农村工作委员会委员、部分市人大代表");
    await typeRichText(page, editor, findings);

    // 1. Missing dates and a disguised file (plain text named .pdf).
    await form.getByLabel("附件").setInputFiles({ name: "伪装.pdf", mimeType: "application/pdf", buffer: Buffer.from("这只是一段纯文本，并不是 PDF 文件。") });
    await form.getByRole("button", { name: "保存调研活动" }).click();
    await expect(form.getByText("请填写开始日期")).toBeVisible();
    await expect(form.getByText("请填写结束日期")).toBeVisible();
    await expect(form.getByText("「伪装.pdf」不是允许的文件类型")).toBeVisible();
    await expect(form.getByLabel("活动名称")).toHaveValue(title);
    await expect(form.getByLabel("地点")).toHaveValue("温县、武陟县");
    await expect(editor).toContainText(findings);

    // 2. Dates in the wrong order and an oversize file.
    await form.getByLabel("开始日期").fill("2020-08-10");
    await form.getByLabel("结束日期").fill("2020-08-03");
    // from a file on disk: the browser reads it itself (a 21 MB buffer handed over through the driver took 18 s)
    const oversize = test.info().outputPath("超大文件.pdf");
    writeFileSync(oversize, Buffer.alloc(21 * 1024 * 1024, 0x25));
    await form.getByLabel("附件").setInputFiles(oversize);
    await form.getByRole("button", { name: "保存调研活动" }).click();
    await expect(form.getByText("结束日期不能早于开始日期")).toBeVisible();
    await expect(form.getByText("「超大文件.pdf」超过 20 MB")).toBeVisible();
    await expect(form.getByLabel("开始日期")).toHaveValue("2020-08-10");
    await expect(editor).toContainText(findings);

    // 3. Accepted.
    await form.getByLabel("结束日期").fill("2020-08-14");
    await form.getByLabel("附件").setInputFiles(pdf("调研报告.pdf"));
    await form.getByRole("button", { name: "保存调研活动" }).click();
    await expect(page.getByRole("status")).toContainText(`已记录调研活动「${title}」`);
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await expect(page.locator(".rt-view")).toContainText(findings);
    await expect(page.getByText("2020年8月10日 至 2020年8月14日")).toBeVisible();
    const attachment = page.getByRole("link", { name: "调研报告.pdf" });
    await expect(attachment).toBeVisible();
    const download = await page.request.get((await attachment.getAttribute("href"))!);
    expect(download.status()).toBe(200);
    expect(download.headers()["content-type"]).toBe("application/pdf");

    // A clue from this activity: an empty one is refused, then it is listed here and on the research page.
    await page.getByRole("button", { name: "添加问题线索" }).click();
    await expect(page.getByText("请填写问题线索")).toBeVisible();
    const clue = unique("医疗报销周期长，群众垫资压力大");
    await page.getByLabel("问题线索").fill(clue);
    await page.getByRole("button", { name: "添加问题线索" }).click();
    await expect(page.getByRole("status")).toContainText("已添加问题线索");
    await expect(page.getByTestId("clue-list")).toContainText(clue);
    await expect(page.getByLabel("问题线索")).toHaveValue("");

    await page.getByRole("link", { name: "返回调研活动列表" }).click();
    await expect(page.getByTestId("activity-table")).toContainText(title);
    const listed = page.getByTestId("clue-list").getByRole("listitem").filter({ hasText: clue });
    await expect(listed.getByRole("link", { name: title })).toBeVisible();
  });

  test("an edit on a stale version is refused with a conflict message and the input kept", async ({ page, browser }) => {
    const title = unique("座谈会");
    await login(page, "staff");
    await page.goto("/inquiries/1/research");
    const form = page.locator("#new-activity");
    await form.getByLabel("调研形式").selectOption("座谈会");
    await form.getByLabel("活动名称").fill(title);
    await form.getByLabel("开始日期").fill("2020-08-20");
    await form.getByLabel("结束日期").fill("2020-08-20");
    await typeRichText(page, form.getByTestId("rte-findings"), "与会代表提出产业扶贫项目后续管护不足。");
    await form.getByRole("button", { name: "保存调研活动" }).click();
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    const url = page.url();

    const other = await signedIn(browser, "staff");
    await other.goto(url);

    await page.getByText("修改调研活动").click();
    await page.getByLabel("活动名称").fill(`${title}（修订）`);
    await page.getByRole("button", { name: "保存修改" }).click();
    await expect(page.getByRole("status")).toContainText("调研活动已保存");
    await expect(page.getByRole("heading", { name: `${title}（修订）`, level: 1 })).toBeVisible();

    await other.getByText("修改调研活动").click();
    await other.getByLabel("地点").fill("市人大常委会机关");
    await other.getByRole("button", { name: "保存修改" }).click();
    await expect(other.getByRole("alert")).toContainText("该调研活动已被他人修改");
    await expect(other.getByLabel("地点")).toHaveValue("市人大常委会机关");
    await other.reload();
    await expect(other.getByRole("heading", { name: `${title}（修订）`, level: 1 })).toBeVisible();
    await other.context().close();
  });

  test("members read the research; departments and counties get 403; a forged post changes nothing", async ({ page, browser }) => {
    await login(page, "member");
    const response = await page.goto("/inquiries/1/research");
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { name: "会前调研", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "记录调研活动" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "添加问题线索" })).toHaveCount(0);
    const forged = await page.request.post("/inquiries/1/research", { form: { intent: "finding", text: "越权添加的线索" }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);

    for (const username of ["health", "county"]) {
      const other = await signedIn(browser, username);
      const denied = await other.goto("/inquiries/1/research");
      expect(denied?.status(), username).toBe(403);
      await expect(other.getByRole("heading", { name: "无权访问" })).toBeVisible();
      await other.context().close();
    }
    await page.goto("/inquiries/1/research");
    await expect(page.getByText("越权添加的线索")).toHaveCount(0);
  });
});

test.describe("委托调研", () => {
  test("staff delegate to three counties; the county drafts, submits, is returned and resubmits; staff accept; others are kept out", async ({ page, browser }) => {
    test.setTimeout(180_000);
    const title = unique("脱贫攻坚工作情况调研");
    const brief = "请围绕产业扶贫、健康扶贫、教育扶贫三个方面开展调研，报告不超过五千字。";
    await login(page, "staff");
    await page.goto("/inquiries/1/surveys");
    const form = page.locator("#delegate");

    // Refused: a due date in the past; everything typed stays.
    await form.getByLabel("调研题目").fill(title);
    await form.getByLabel("截止日期").fill("2020-01-01");
    for (const county of ["温县人大常委会", "武陟县人大常委会", "孟州市人大常委会"]) await form.getByLabel(county).check();
    await typeRichText(page, form.getByTestId("rte-brief"), brief);
    await form.getByLabel("附件").setInputFiles(pdf("调研提纲.pdf"));
    await form.getByRole("button", { name: "委托调研" }).click();
    await expect(form.getByText("截止日期不能早于今天")).toBeVisible();
    await expect(form.getByLabel("调研题目")).toHaveValue(title);
    await expect(form.getByLabel("温县人大常委会")).toBeChecked();
    await expect(form.getByLabel("孟州市人大常委会")).toBeChecked();
    await expect(form.getByLabel("修武县人大常委会")).not.toBeChecked();
    await expect(form.getByTestId("rte-brief")).toContainText(brief);
    await expect(page.locator(".rs-request h2", { hasText: title })).toHaveCount(0);

    const due = shanghaiDate(30);
    await form.getByLabel("截止日期").fill(due);
    await form.getByLabel("附件").setInputFiles(pdf("调研提纲.pdf"));
    await form.getByRole("button", { name: "委托调研" }).click();
    await expect(page.getByRole("status")).toContainText(`已向 3 个县区人大常委会委托调研「${title}」`);
    const card = page.locator(".rs-request").filter({ has: page.getByRole("heading", { name: title }) });
    await expect(card.getByRole("row")).toHaveCount(4);
    for (const county of ["温县人大常委会", "武陟县人大常委会", "孟州市人大常委会"]) {
      await expect(card.getByRole("row").filter({ hasText: county })).toContainText("待提交");
    }
    await expect(card.getByRole("row").filter({ hasText: "温县人大常委会" })).toContainText("正常 · 还剩 30 天");
    const requestId = (await card.getAttribute("id"))!.replace("request-", "");
    const wenxianHref = (await card.getByRole("link", { name: "查看温县人大常委会的调研报告" }).getAttribute("href"))!;

    // The county finds it in its inbox, with its due date.
    const county = await signedIn(browser, "county");
    await county.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的待办" }).click();
    const row = county.getByTestId("my-open").getByRole("row").filter({ hasText: title });
    await expect(row).toContainText(`${Number(due.slice(0, 4))}年${Number(due.slice(5, 7))}月${Number(due.slice(8, 10))}日`);
    await expect(row).toContainText("待提交");
    await row.getByRole("link", { name: "填写报告" }).click();
    await expect(county).toHaveURL(new RegExp(`${wenxianHref}$`));
    await expect(county.getByText(brief)).toBeVisible();
    await expect(county.getByRole("link", { name: "调研提纲.pdf" })).toBeVisible();

    // An empty report is not submitted.
    const report = county.getByTestId("rte-report");
    await expect(report).toBeVisible();
    await county.getByRole("button", { name: "提交报告" }).click();
    await expect(county.getByText("请填写调研报告后再提交")).toBeVisible();
    await expect(county.getByTestId("delegation-status")).toHaveText("待提交");

    // A draft survives a reload.
    const draft = "温县脱贫攻坚工作调研报告（草稿）：全县建档立卡贫困户已全部脱贫。";
    await typeRichText(county, report, draft);
    await county.getByRole("button", { name: "保存草稿" }).click();
    await expect(county.getByRole("status")).toContainText("草稿已保存");
    await county.reload();
    await expect(county.getByTestId("rte-report")).toContainText(draft);
    await expect(county.getByTestId("delegation-status")).toHaveText("待提交");

    // Staff do not read an unsubmitted draft.
    await page.goto(wenxianHref);
    await expect(page.getByText("县区已开始起草，尚未提交报告。")).toBeVisible();
    await expect(page.getByText(draft)).toHaveCount(0);

    // Submitted with an attachment.
    await county.getByLabel("添加附件").setInputFiles(pdf("温县调研报告附表.pdf"));
    await county.getByRole("button", { name: "提交报告" }).click();
    await expect(county.getByRole("status")).toContainText("调研报告已提交");
    await expect(county.getByTestId("delegation-status")).toHaveText("已提交");
    await expect(county.getByRole("button", { name: "提交报告" })).toHaveCount(0);

    // Staff return it: first without a comment (refused), then with one.
    await page.reload();
    await expect(page.locator(".rt-view").last()).toContainText(draft);
    const reportFile = page.getByRole("link", { name: "温县调研报告附表.pdf" });
    await expect(reportFile).toBeVisible();
    const reportFileHref = (await reportFile.getAttribute("href"))!;
    await page.getByRole("button", { name: "退回修改" }).click();
    await expect(page.getByText("退回时请填写修改意见")).toBeVisible();
    const comment = "请补充健康扶贫方面的具体数据和典型案例。";
    await page.getByLabel("修改意见").fill(comment);
    await page.getByRole("button", { name: "退回修改" }).click();
    await expect(page.getByRole("status")).toContainText("已退回温县人大常委会修改");
    await expect(page.getByTestId("delegation-status")).toHaveText("退回修改");

    // The county sees the comment in its inbox and on the page, revises and resubmits.
    await county.goto("/my");
    await expect(county.getByTestId("my-open").getByRole("row").filter({ hasText: title })).toContainText(`退回意见：${comment}`);
    await county.goto(wenxianHref);
    await expect(county.getByTestId("return-comment")).toContainText(comment);
    await county.getByTestId("rte-report").click();
    await county.keyboard.press("Control+End");
    await county.keyboard.press("Enter");
    await county.keyboard.type("健康扶贫：全县贫困人口家庭医生签约服务实现全覆盖。");
    await county.getByRole("button", { name: "提交报告" }).click();
    await expect(county.getByRole("status")).toContainText("调研报告已提交");
    await county.goto("/my");
    await expect(county.getByTestId("my-done").getByRole("row").filter({ hasText: title })).toContainText("已提交");

    // Staff accept.
    await page.reload();
    await expect(page.locator(".rt-view").last()).toContainText("家庭医生签约服务");
    await page.getByRole("button", { name: "采纳报告" }).click();
    await expect(page.getByRole("status")).toContainText("已采纳温县人大常委会的调研报告");
    await expect(page.getByTestId("delegation-status")).toHaveText("已采纳");
    await expect(page.getByRole("button", { name: "采纳报告" })).toHaveCount(0);

    // Every step in the history, with who did it.
    const history = page.getByTestId("history").getByRole("row");
    const steps: [string, string][] = [
      ["委托调研", "刘静"],
      ["保存草稿", "温县人大常委会联络员"],
      ["提交报告", "温县人大常委会联络员"],
      ["退回修改", "刘静"],
      ["提交报告", "温县人大常委会联络员"],
      ["采纳报告", "刘静"],
    ];
    await expect(history).toHaveCount(steps.length + 1);
    for (const [i, [step, who]] of steps.entries()) {
      await expect(history.nth(i + 1)).toContainText(step);
      await expect(history.nth(i + 1)).toContainText(who);
    }
    await expect(history.nth(4)).toContainText(comment);

    // The overview and the side-by-side reading.
    await page.goto("/inquiries/1/surveys");
    await expect(card.getByRole("row").filter({ hasText: "温县人大常委会" })).toContainText("已采纳");
    await card.getByRole("link", { name: /并列阅读已提交的报告/ }).click();
    await expect(page).toHaveURL(new RegExp(`request=${requestId}&view=compare`));
    const compare = page.getByTestId("compare-view");
    await expect(compare.getByRole("article", { name: "温县人大常委会的调研报告" })).toContainText("家庭医生签约服务");
    await expect(compare).toContainText("武陟县人大常委会（待提交）");

    // Another county: 403 on the page, on the report's attachment, and on a forged post.
    const county2 = await signedIn(browser, "county2");
    const denied = await county2.goto(wenxianHref);
    expect(denied?.status()).toBe(403);
    await expect(county2.getByRole("heading", { name: "无权访问" })).toBeVisible();
    expect((await county2.request.get(reportFileHref)).status()).toBe(403);
    const forged = await county2.request.post(wenxianHref, { form: { intent: "save_draft", version: "99", report: "篡改" }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await county2.goto("/inquiries/1/surveys"))?.status()).toBe(403);
    // county2 sees its own delegation of the same request, and not 温县's.
    await county2.goto("/my");
    await expect(county2.getByTestId("my-open").getByRole("row").filter({ hasText: title })).toHaveCount(1);
    await county2.context().close();

    // A department: 403 on the overview and on the delegation.
    const health = await signedIn(browser, "health");
    expect((await health.goto("/inquiries/1/surveys"))?.status()).toBe(403);
    await expect(health.getByRole("heading", { name: "无权访问" })).toBeVisible();
    expect((await health.goto(wenxianHref))?.status()).toBe(403);
    expect((await health.request.get(reportFileHref)).status()).toBe(403);
    await health.context().close();

    // A member reads, and cannot act.
    const member = await signedIn(browser, "member");
    expect((await member.goto(wenxianHref))?.status()).toBe(200);
    await expect(member.locator(".rt-view").last()).toContainText("家庭医生签约服务");
    await expect(member.getByRole("button", { name: "采纳报告" })).toHaveCount(0);
    const memberPost = await member.request.post("/inquiries/1/surveys", { form: { intent: "delegate", title: "越权委托" }, maxRedirects: 0 });
    expect(memberPost.status()).toBe(403);
    await member.context().close();

    // The county itself cannot accept its own report.
    const selfAccept = await county.request.post(wenxianHref, { form: { intent: "accept", version: "1" }, maxRedirects: 0 });
    expect(selfAccept.status()).toBe(403);
    await county.context().close();
  });

  test("a delegation near its due date is yellow, one past it is red, for staff and in the county's inbox", async ({ page, browser }) => {
    const title = unique("产业扶贫项目管护调研");
    await login(page, "staff");
    await page.goto("/inquiries/1/surveys");
    const form = page.locator("#delegate");
    await form.getByLabel("调研题目").fill(title);
    await form.getByLabel("截止日期").fill(shanghaiDate(3));
    await form.getByLabel("武陟县人大常委会").check();
    await form.getByRole("button", { name: "委托调研" }).click();
    // The brief is required.
    await expect(form.getByText("请填写调研要求")).toBeVisible();
    await typeRichText(page, form.getByTestId("rte-brief"), "请调研扶贫项目资产后续管护情况。");
    await form.getByRole("button", { name: "委托调研" }).click();
    await expect(page.getByRole("status")).toContainText("已向 1 个县区人大常委会委托调研");
    const card = page.locator(".rs-request").filter({ has: page.getByRole("heading", { name: title }) });
    const row = card.getByRole("row").filter({ hasText: "武陟县人大常委会" });
    await expect(row.locator(".badge[data-light]")).toHaveAttribute("data-light", "yellow");
    await expect(row).toContainText("临近期限 · 还剩 3 天");

    const requestId = Number((await card.getAttribute("id"))!.replace("request-", ""));
    expect(await execute("UPDATE survey_requests SET due_date = '2020-01-01' WHERE id = ?", [requestId])).toBe(1);

    await page.reload();
    await expect(row.locator(".badge[data-light]")).toHaveAttribute("data-light", "red");
    await expect(row).toContainText("已逾期");
    await expect(row).toHaveClass(/rs-light-red/);
    await expect(page.locator(".rs-sum-bad")).toBeVisible();

    const county2 = await signedIn(browser, "county2");
    await county2.goto("/my");
    const mine = county2.getByTestId("my-open").getByRole("row").filter({ hasText: title });
    await expect(mine).toContainText("2020年1月1日");
    await expect(mine.locator(".badge[data-light]")).toHaveAttribute("data-light", "red");
    await expect(mine).toContainText("已逾期");
    // Nearest due date first: the overdue one leads the list.
    await expect(county2.getByTestId("my-open").getByRole("row").nth(1)).toContainText("2020年1月1日");
    await county2.context().close();
  });

  test("/my: a department sees its own inbox, not the county surveys; staff are sent home", async ({ page }) => {
    await login(page, "health");
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的待办" }).click();
    const inbox = page.getByTestId("department-inbox");
    await expect(inbox.getByRole("heading", { name: /待办理的整改事项/ })).toBeVisible();
    await expect(inbox.getByRole("heading", { name: /本单位询问会记录/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: /委托调研/ })).toHaveCount(0);
    // signed out before the next session is minted: the sign-out's response clears the session cookie
    await logout(page);
    await login(page, "staff");
    await page.goto("/my");
    await expect(page).toHaveURL(/\/$/);
  });
});
