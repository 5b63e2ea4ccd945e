import { expect, test, type Page } from "@playwright/test";
import { login, rowInPagedList, unique } from "./fixtures";

/** The smallest file that is a PDF by its bytes. */
const PDF_BYTES = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  "latin1",
);

/** Registers an inquiry through the form and returns its id. */
async function createInquiry(page: Page, title: string, meetingDate: string): Promise<number> {
  await page.goto("/inquiries/new");
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问主题").fill(`${title}主题`);
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByLabel("询问会日期（计划）").fill(meetingDate);
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

test("staff register an inquiry, draft the plan and take it through the chairpersons' council", async ({ page }) => {
  test.setTimeout(120_000);
  const title = unique("乡村振兴专题询问");
  await login(page, "staff");
  await page.goto("/inquiries");
  await page.getByRole("link", { name: "新建专题询问" }).click();
  await expect(page).toHaveURL(/\/inquiries\/new$/);

  // First attempt: no title and a date that does not exist (typed where the browser has no date picker).
  await page.getByLabel("询问主题").fill("全市乡村振兴工作");
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByLabel("常委会会议").fill("市十一届人大常委会第二十次会议");
  await page.getByRole("checkbox", { name: "市卫生健康委员会" }).check();
  await page.locator("#f-meetingDate").evaluate((el: HTMLInputElement) => {
    el.type = "text";
    el.value = "2031-02-30";
  });
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.locator("#f-title-error")).toHaveText("请填写名称");
  await expect(page.locator("#f-meetingDate-error")).toContainText("请填写有效的日期");
  await expect(page).toHaveURL(/\/inquiries\/new$/);
  await expect(page.getByLabel("询问主题")).toHaveValue("全市乡村振兴工作");
  await expect(page.getByLabel("常委会会议")).toHaveValue("市十一届人大常委会第二十次会议");
  await expect(page.getByLabel("询问会日期（计划）")).toHaveValue("2031-02-30");
  await expect(page.getByRole("checkbox", { name: "市卫生健康委员会" })).toBeChecked();

  // Corrected: the inquiry is registered.
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问会日期（计划）").fill("2031-09-22");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByText("市卫生健康委员会", { exact: true })).toBeVisible();
  await expect(page.getByTestId("stage-timeline").locator('[aria-current="step"]')).toContainText("立项");
  const id = Number(new URL(page.url()).pathname.split("/").pop());

  // Edit the register.
  await page.getByRole("link", { name: "修改基本信息" }).click();
  await expect(page).toHaveURL(`/inquiries/${id}/edit`);
  await expect(page.getByLabel("询问会日期（计划）")).toHaveValue("2031-09-22");
  await page.getByLabel("备注").fill("结合第二十次常委会会议安排。");
  await page.getByRole("checkbox", { name: "市教育局" }).check();
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page).toHaveURL(`/inquiries/${id}`);
  await expect(page.getByText("结合第二十次常委会会议安排。")).toBeVisible();
  await expect(page.getByText("市卫生健康委员会、市教育局")).toBeVisible();

  // The work plan, written in the rich-text editor with a bold phrase.
  await page.getByTestId("inquiry-tabs").getByRole("link", { name: "工作方案", exact: true }).click();
  await expect(page).toHaveURL(`/inquiries/${id}/plan`);
  await expect(page.getByTestId("plan-status")).toHaveText("起草中");
  const editor = page.getByTestId("rte-plan");
  await editor.click();
  await page.keyboard.type("一、询问主题：");
  await page.getByRole("button", { name: "加粗 (Ctrl+B)" }).click();
  await page.keyboard.type("乡村振兴重点任务");
  await page.getByRole("button", { name: "加粗 (Ctrl+B)" }).click();
  await page.keyboard.type("落实情况。");
  await page.keyboard.press("Enter");
  await page.keyboard.type("二、时间安排：2031年9月。");
  await expect(editor.locator("strong, .rt-bold").first()).toHaveText("乡村振兴重点任务");

  // A text file named .pdf is refused, and the plan as typed is kept.
  const fileInput = page.getByLabel("上传附件");
  await fileInput.setInputFiles({ name: "伪装文件.pdf", mimeType: "application/pdf", buffer: Buffer.from("这不是 PDF，只是一段文字。\n".repeat(20)) });
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await expect(page.locator("#f-files-error")).toContainText("不是允许的文件类型");
  await expect(editor).toContainText("二、时间安排：2031年9月。");
  await expect(page.getByRole("list", { name: "附件" })).toHaveCount(0);

  // A real PDF is accepted.
  await fileInput.setInputFiles({ name: "工作方案附件.pdf", mimeType: "application/pdf", buffer: PDF_BYTES });
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await expect(page.getByRole("status")).toContainText("工作方案已保存");
  await expect(page.getByRole("link", { name: "工作方案附件.pdf" })).toBeVisible();
  await expect(page.locator("#f-files-error")).toHaveCount(0);

  // Submitted: the plan is frozen and shown with its bold phrase.
  await page.getByRole("button", { name: "提请主任会议审议" }).click();
  await expect(page.getByTestId("plan-status")).toHaveText("已提请主任会议");
  await expect(page.getByTestId("rte-plan")).toHaveCount(0);
  await expect(page.locator(".inq-plan").first().locator("strong, .rt-bold").first()).toHaveText("乡村振兴重点任务");

  // Rejection needs the council's note.
  await page.getByLabel("驳回").check();
  await page.getByLabel("审议日期").fill("2024-03-10");
  await page.getByRole("button", { name: "记录审议结果" }).click();
  await expect(page.locator("#f-note-error")).toHaveText("驳回时请填写主任会议的意见");
  await expect(page.getByLabel("审议日期")).toHaveValue("2024-03-10");
  await page.getByLabel("主任会议意见").fill("请补充会前调研安排。");
  await page.getByRole("button", { name: "记录审议结果" }).click();
  await expect(page.getByTestId("plan-status")).toHaveText("主任会议已驳回");
  await expect(page.getByTestId("plan-rejection")).toContainText("请补充会前调研安排。");

  // Revised and submitted again.
  await editor.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("三、会前调研：委托县区人大开展调研。");
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await expect(page.getByRole("status")).toContainText("工作方案已保存");
  await expect(page.getByTestId("rte-plan")).toContainText("三、会前调研：委托县区人大开展调研。");
  await page.getByRole("button", { name: "再次提请主任会议审议" }).click();
  await expect(page.getByTestId("plan-status")).toHaveText("已提请主任会议");

  // Approved: the inquiry moves on to pre-inquiry research.
  await page.getByLabel("批准").check();
  await page.getByLabel("审议日期").fill("2024-03-20");
  await page.getByLabel("主任会议意见").fill("同意。");
  await page.getByRole("button", { name: "记录审议结果" }).click();
  await expect(page).toHaveURL(`/inquiries/${id}`);
  await expect(page.getByTestId("stage-timeline").locator('[aria-current="step"]')).toContainText("会前调研");
  await expect(page.getByTestId("stage-timeline").locator('[data-state="done"]')).toContainText("立项");
  await expect(page.getByTestId("key-dates")).toContainText("2024年3月20日");
  await expect(page.getByRole("link", { name: "会前调研 →" })).toHaveAttribute("href", `/inquiries/${id}/research`);
  await expect(page.getByRole("link", { name: "委托调研 →" })).toHaveAttribute("href", `/inquiries/${id}/surveys`);

  // The history keeps each submission and decision with the plan text as it was.
  await page.goto(`/inquiries/${id}/plan`);
  const history = page.getByTestId("plan-history").locator("li");
  await expect(history).toHaveCount(4);
  await expect(history.nth(0)).toContainText("主任会议批准");
  await expect(history.nth(0)).toContainText("2024年3月20日");
  await expect(history.nth(0)).toContainText("同意。");
  await expect(history.nth(1)).toContainText("提请主任会议审议");
  await expect(history.nth(2)).toContainText("主任会议驳回");
  await expect(history.nth(2)).toContainText("2024年3月10日");
  await expect(history.nth(2)).toContainText("请补充会前调研安排。");
  await expect(history.nth(3)).toContainText("提请主任会议审议");
  for (const item of [history.nth(0), history.nth(2)]) await item.locator("summary").click();
  await expect(history.nth(0).locator(".inq-plan")).toContainText("三、会前调研");
  await expect(history.nth(2).locator(".inq-plan")).not.toContainText("三、会前调研");
  await expect(history.nth(2).locator(".inq-plan strong, .inq-plan .rt-bold").first()).toHaveText("乡村振兴重点任务");
});

test("a stale edit is refused with the conflict message and keeps the user's text", async ({ browser }) => {
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const a = await first.newPage();
    const b = await second.newPage();
    await login(a, "staff");
    await login(b, "admin");
    const title = unique("并发修改测试");
    const id = await createInquiry(a, title, "2031-10-10");

    await a.goto(`/inquiries/${id}/edit`);
    await b.goto(`/inquiries/${id}/edit`);
    await a.getByLabel("备注").fill("甲先保存的备注。");
    await a.getByRole("button", { name: "保存" }).click();
    await expect(a).toHaveURL(`/inquiries/${id}`);

    const stale = `${title}（乙的修改）`;
    await b.getByLabel("名称").fill(stale);
    await b.getByLabel("备注").fill("乙后保存的备注。");
    await b.getByRole("button", { name: "保存" }).click();
    await expect(b.getByRole("alert")).toHaveText("该专题询问已被他人修改，请刷新页面查看最新内容后再保存。");
    await expect(b.getByLabel("名称")).toHaveValue(stale);
    await expect(b.getByLabel("备注")).toHaveValue("乙后保存的备注。");

    // Nothing of the stale save was written.
    await a.reload();
    await expect(a.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(a.getByText("甲先保存的备注。")).toBeVisible();
  } finally {
    await first.close();
    await second.close();
  }
});

test("members read inquiries but cannot manage them; departments and counties get 403", async ({ page }) => {
  await login(page, "member");
  let response = await page.goto("/inquiries/1");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("全市脱贫攻坚工作专题询问");
  await expect(page.getByRole("link", { name: "修改基本信息" })).toHaveCount(0);
  response = await page.goto("/inquiries/1/plan");
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId("plan-status")).toHaveText("主任会议已批准");
  await expect(page.getByTestId("rte-plan")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "记录审议结果" })).toHaveCount(0);

  for (const path of ["/inquiries/new", "/inquiries/1/edit"]) {
    response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "无权访问" })).toBeVisible();
  }
  const posted = await page.request.post("/inquiries/1/edit", {
    form: { version: "1", title: "被篡改的名称", topic: "x", congress: "x", organizingBody: "x" },
    maxRedirects: 0,
  });
  expect(posted.status()).toBe(403);
  const decided = await page.request.post("/inquiries/1/plan", { form: { intent: "decide", version: "1", decision: "reject", decidedOn: "2024-01-01", note: "x" }, maxRedirects: 0 });
  expect(decided.status()).toBe(403);
  await page.goto("/inquiries/1");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("全市脱贫攻坚工作专题询问");

  for (const username of ["health", "county"]) {
    await page.context().clearCookies();
    await login(page, username);
    for (const path of ["/inquiries", "/inquiries/1", "/inquiries/1/plan"]) {
      response = await page.goto(path);
      expect(response?.status(), `${username} ${path}`).toBe(403);
      await expect(page.getByRole("heading", { name: "无权访问" })).toBeVisible();
    }
  }
});

test("the inquiry list filters by stage and year", async ({ page }) => {
  await login(page, "staff");
  const title = unique("筛选测试专题询问");
  await createInquiry(page, title, "2032-05-18");

  await page.goto("/inquiries");
  const list = page.getByTestId("inquiry-list");
  // the demo inquiry is in its rectification stage
  await page.getByLabel("所处阶段").selectOption({ label: "整改督办" });
  await page.getByLabel("询问会年度").selectOption({ label: "2020年" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/stage=rectification/);
  await expect(page).toHaveURL(/year=2020/);
  await expect(list.getByRole("link", { name: "全市脱贫攻坚工作专题询问" })).toBeVisible();
  await expect(list).toContainText("2020年9月22日");
  await expect(list.getByRole("link", { name: title })).toHaveCount(0);

  // no inquiry of 2032 is in its rectification stage (this test's is registered, and no other test meets in 2032)
  await page.getByLabel("询问会年度").selectOption({ label: "2032年" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(list).toContainText("没有符合条件的专题询问");

  await page.getByLabel("所处阶段").selectOption({ label: "立项" });
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(list.getByRole("link", { name: title })).toBeVisible();
  await expect(list.getByRole("link", { name: "全市脱贫攻坚工作专题询问" })).toHaveCount(0);

  await page.getByRole("link", { name: "清除筛选" }).click();
  await expect(page).toHaveURL(/\/inquiries$/);
  await expect(page.getByLabel("所处阶段")).toHaveValue("");
  await expect(page.getByLabel("询问会年度")).toHaveValue("");
  // unfiltered, the list pages through every test's inquiries: both are on one of its pages
  await expect(await rowInPagedList(page, "/inquiries", title)).toBeVisible();
  await expect(await rowInPagedList(page, "/inquiries", "全市脱贫攻坚工作专题询问")).toBeVisible();
});
