import { expect, test, type Page } from "@playwright/test";
import { approvePlan, login, makeAccount, makeHandlingReport, makeInquiry, makeItem, makeMeeting, queryAll, rowInPagedList, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/**
 * Issue 23: the seams between the lifecycle's stages — one meeting date, the plan gate and its recorded reason,
 * messages that tell the truth, and the handling report's 审议 published beside the digest.
 */

/** 2020-09-22 → 2020年9月22日 */
function chineseDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** YYYY-MM-DD plus whole months, the day clamped to the month's last (as the app computes due dates). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

async function createInquiry(page: Page, title: string, plannedDate: string): Promise<number> {
  await page.goto("/inquiries/new");
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问主题").fill(`${title}主题`);
  await page.getByLabel("组织单位").fill("市人大常委会教育科学文化卫生工作委员会");
  await page.getByLabel("询问会日期（计划）").fill(plannedDate);
  await page.getByRole("checkbox", { name: "市教育局" }).check();
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

/** Opens the plan gate's notice on the current page and records a reason to proceed through it. */
async function recordReason(page: Page, reason: string) {
  const gate = page.getByTestId("plan-gate");
  await expect(gate).toContainText("工作方案尚未经主任会议批准");
  await gate.getByText("主任会议已以其他方式批准，或须先行开展？").click();
  await gate.getByLabel("先行开展的理由").fill(reason);
  await gate.getByRole("button", { name: "记录理由并先行开展" }).click();
  await expect(page.getByTestId("plan-gate")).toHaveCount(0);
}

test("the meeting date set in the meeting setup is the inquiry's everywhere, and the handling report falls due 3 months after it", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, "staff");
  const title = unique("控辍保学专题询问");
  const planned = shanghaiDate(60);
  const held = shanghaiDate(-3);
  const inquiryId = await createInquiry(page, title, planned);

  await page.goto(`/inquiries/${inquiryId}/meeting`);
  await recordReason(page, "主任会议已审议通过工作方案（纸质件），系统补记");
  await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/meeting$`));
  const setup = page.getByTestId("setup-form");
  await expect(setup.getByLabel("会议日期")).toHaveValue(planned);
  await setup.getByLabel("会议日期").fill(held);
  await setup.getByLabel("会议地点").fill("第一会议室");
  await setup.getByRole("button", { name: "设置询问会" }).click();
  await expect(page.getByTestId("meeting-date")).toHaveText(chineseDate(held));

  // the inquiry's own page and the list carry the date of the meeting held, not the planned one
  await page.goto(`/inquiries/${inquiryId}`);
  await expect(page.locator("main")).toContainText(chineseDate(held));
  await expect(page.locator("main")).not.toContainText(chineseDate(planned));
  await expect(page.getByTestId("plan-proceed-reason")).toContainText("主任会议已审议通过工作方案（纸质件），系统补记");
  // the list pages, and every test adds inquiries to it: find this one's row wherever it is
  const row = await rowInPagedList(page, "/inquiries", title);
  await expect(row).toContainText(chineseDate(held));
  // the inquiry form shows the same date
  await page.goto(`/inquiries/${inquiryId}/edit`);
  await expect(page.getByLabel("询问会日期（计划）")).toHaveValue(held);

  // the handling report's default due date: three months after the meeting held
  await page.goto(`/inquiries/${inquiryId}/handling-report`);
  await expect(page.getByTestId("due-date")).toContainText(`${chineseDate(addMonths(held, 3))}（默认：询问会后 3 个月`);
});

test("a survey delegation is blocked before the plan's approval and goes ahead once staff record a reason, which the timeline and the audit log show", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // a staff account of its own (of the demo committee), so the audit log filtered to it holds only this test's entries
  const me = await makeAccount("staff", { organizationId: (await queryAll<{ id: number }>("select id from organizations where name = '市人大常委会农业农村工作委员会'"))[0].id });
  await login(page, me.username);
  const title = unique("学前教育专题询问");
  const inquiryId = await createInquiry(page, title, shanghaiDate(90));

  await page.goto(`/inquiries/${inquiryId}/surveys`);
  await expect(page.getByTestId("plan-gate")).toContainText("暂不能委托县区人大开展调研");
  await expect(page.getByRole("button", { name: "委托调研" })).toHaveCount(0);
  // a delegation posted anyway is refused, and nothing is delegated
  const [wenxian] = await queryAll<{ id: number }>("select id from organizations where name = '温县人大常委会'");
  const refused = await page.request.post(`/inquiries/${inquiryId}/surveys`, {
    multipart: { intent: "delegate", title: "越过审批的委托", dueDate: shanghaiDate(20), organizationIds: String(wenxian.id), brief: "请调研本县情况" },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("工作方案尚未经主任会议批准，不能委托县区人大开展调研");
  expect(await queryAll("select id from survey_requests where inquiry_id = ?", [inquiryId])).toHaveLength(0);

  const reason = unique("主任会议纸质批准");
  await recordReason(page, reason);
  await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/surveys$`));
  await page.getByLabel("调研题目").fill("学前教育资源布局调研");
  await page.getByLabel("截止日期").fill(shanghaiDate(20));
  await page.getByRole("checkbox", { name: "温县人大常委会" }).check();
  await typeRichText(page, page.getByTestId("rte-brief"), "请调研本县学前教育资源布局情况。");
  await page.getByRole("button", { name: "委托调研" }).click();
  await expect(page.locator(".rs-request")).toContainText("温县人大常委会");

  await page.goto(`/inquiries/${inquiryId}`);
  await expect(page.getByTestId("plan-proceed-reason")).toContainText(reason);
  await page.goto(`/inquiries/${inquiryId}/plan`);
  await expect(page.getByTestId("plan-history")).toContainText("记录先行开展的理由");
  await expect(page.getByTestId("plan-history")).toContainText(reason);
  const admin = await signedIn(browser, "admin");
  await admin.goto(`/admin/audit?entityType=inquiry&actorId=${me.id}`);
  await expect(admin.getByTestId("audit-table")).toContainText(reason);
});

test("offline, Ctrl+Enter says the exchange is not saved, and it keeps saying so until it is saved", async ({ page, context }) => {
  test.setTimeout(150_000);
  await login(page, "staff");
  const inquiryId = await createInquiry(page, unique("基层医疗专题询问"), shanghaiDate(0));
  await approvePlan(inquiryId);
  await page.goto(`/inquiries/${inquiryId}/meeting`);
  const setup = page.getByTestId("setup-form");
  await setup.getByLabel("会议日期").fill(shanghaiDate(0));
  await setup.getByRole("button", { name: "设置询问会" }).click();
  await expect(page.getByTestId("meeting-date")).toBeVisible();

  const status = page.getByTestId("draft-status");
  await page.locator("#mt-questionerName").fill("马爱国");
  await page.locator("#mt-question").fill("农村学校师资如何补齐？");
  await page.locator("#mt-departmentId").selectOption({ label: "市教育局" });
  await page.locator("#mt-responderName").fill("李明");
  await page.locator("#mt-answer").click();
  await page.keyboard.type("正在推进县管校聘改革。");
  await expect(status).toContainText("草稿已保存到服务器");

  await context.setOffline(true);
  await page.keyboard.press("Control+Enter");
  await expect(status).toContainText("本轮问答尚未保存");
  // the draft kept in the browser reports itself — beside the unsaved exchange, not in its place
  await expect(status).toContainText("草稿已暂存在本机浏览器");
  await expect(status).toContainText("本轮问答尚未保存");
  await page.keyboard.type("并补充音体美教师。");
  await expect(status).toContainText("本轮问答尚未保存");

  await context.setOffline(false);
  await expect(status).toContainText("网络已恢复：本轮问答尚未保存");
  await expect(status).toContainText("草稿已保存到服务器");
  await page.keyboard.press("Control+Enter");
  await expect(status).toContainText("本轮问答已保存");
  await expect(page.getByTestId("exchange-unsaved")).toHaveCount(0);
  await expect(page.getByTestId("segment").first()).toContainText("正在推进县管校聘改革。并补充音体美教师。");
});

test("a refused close shows its reason, though the page has no closing form", async ({ page }) => {
  test.setTimeout(60_000);
  // an item of its own in progress (other tests move the demo's items on at the same time)
  const inquiry = await makeInquiry({ stage: "rectification", departments: ["市卫生健康委员会"] });
  const { id } = await makeItem(inquiry.id, { problem: unique("村卫生室药品配备不全"), lead: "市卫生健康委员会", status: "in_progress" });
  const [item] = await queryAll<{ id: number; version: number }>("select id, version from rectification_items where id = ?", [id]);
  await login(page, "staff");
  await page.goto(`/rectification/${item.id}`);
  await expect(page.getByTestId("item-status-box")).toContainText("整改中");
  await expect(page.getByTestId("review-closure")).toHaveCount(0);
  // the form of a page opened before the item's closure request was returned (as a tab left open): a plain POST
  await page.evaluate(
    ({ version }) => {
      const form = document.createElement("form");
      form.method = "post";
      for (const [name, value] of Object.entries({ intent: "close", version: String(version), comment: "" })) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
      document.body.appendChild(form);
      form.submit();
    },
    { version: item.version },
  );
  await expect(page.getByTestId("refusal-notice")).toContainText("只能对已申请销号的事项销号");
  await expect(page.getByTestId("item-status-box")).toContainText("整改中");
});

test("the handling report and the committee's opinion appear on the public page once staff publish them, not before; others get 403", async ({ page, browser }) => {
  test.setTimeout(150_000);
  // an inquiry of its own with a published digest and the government's report (publishing the demo's would
  // change the public page other tests read)
  const inquiry = await makeInquiry({ stage: "rectification", departments: ["市卫生健康委员会"] });
  await makeMeeting(inquiry.id, {
    date: shanghaiDate(-100),
    published: true,
    digestTitle: `${inquiry.title}摘要`,
    exchanges: [{ keyword: "健康扶贫", question: "如何防止因病返贫？", department: "市卫生健康委员会", answer: "做实家庭医生签约服务。" }],
  });
  const reportTitle = `关于市人大常委会${inquiry.title}意见研究处理情况的报告`;
  const reportId = await makeHandlingReport(inquiry.id, { body: `${reportTitle}：已逐条研究落实。`, status: "accepted" });
  const reportPage = `/inquiries/${inquiry.id}/handling-report`;
  const anonymous = await browser.newPage();
  await anonymous.goto(`/public/inquiries/${inquiry.id}`);
  await expect(anonymous.getByTestId("digest-title")).toBeVisible();
  await expect(anonymous.getByTestId("public-handling-reports")).toHaveCount(0);

  // only staff and admins may record the 审议 or publish
  const [report] = await queryAll<{ id: number; version: number }>("select id, version from handling_reports where id = ?", [reportId]);
  for (const user of ["member", "gov"]) {
    const other = await signedIn(browser, user);
    const forms: Record<string, string>[] = [
      { intent: "publish", reportId: String(report.id), version: String(report.version), confirmed: "1" },
      { intent: "review", reportId: String(report.id), version: "", reviewedOn: shanghaiDate(0), sessionName: "越权", opinion: "越权" },
    ];
    for (const form of forms) {
      const response = await other.request.post(reportPage, { multipart: form, maxRedirects: 0 });
      expect(response.status()).toBe(403);
    }
  }
  expect(await queryAll("select id from handling_reports where id = ? and published_at is not null", [report.id])).toHaveLength(0);

  await login(page, "staff");
  await page.goto(reportPage);
  const panel = page.getByTestId("review-1");
  const session = unique("市十一届人大常委会第十三次会议");
  await panel.getByLabel("审议日期").fill(shanghaiDate(-1));
  await panel.getByLabel("审议的会议").fill(session);
  await typeRichText(page, panel.getByTestId("rte-opinion"), "常委会认为整改措施有力，建议健全防止返贫动态监测长效机制。");
  await panel.getByLabel("决议（如有）").fill("同意市人民政府研究处理情况报告。");
  await panel.getByRole("button", { name: "保存审议情况" }).click();
  await expect(page.getByTestId("review-record")).toContainText(session);
  await expect(anonymous.getByTestId("public-handling-reports")).toHaveCount(0);
  await anonymous.reload();
  await expect(anonymous.getByTestId("public-handling-reports")).toHaveCount(0);

  // the publish step asks first (the one confirmation step of every publication)
  const publish = page.getByTestId("publish-form");
  await publish.getByRole("button", { name: /在公开页面发布/ }).click();
  await expect(page.getByTestId("confirm-step")).toContainText("请确认已核对其中不含不宜公开的内容");
  await expect(page.getByTestId("publish-state")).toContainText("未公开");
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("publish-state")).toContainText("已公开");

  await anonymous.reload();
  const shown = anonymous.getByTestId("public-handling-reports");
  await expect(shown).toContainText(reportTitle);
  await expect(shown).toContainText(session);
  await expect(shown).toContainText("建议健全防止返贫动态监测长效机制");
  await expect(shown).toContainText("同意市人民政府研究处理情况报告。");

  // taken back: gone from the public page again
  await page.getByTestId("publish-form").getByRole("button", { name: "取消公开" }).click();
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page.getByTestId("publish-state")).toContainText("未公开");
  await anonymous.reload();
  await expect(anonymous.getByTestId("public-handling-reports")).toHaveCount(0);
});
