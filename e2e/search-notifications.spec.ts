import { expect, test } from "@playwright/test";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { E2E_DB_PATH, login, logout, makeAccount, makeInquiry, makeOrganization, makeSurvey, queryAll, shanghaiDate, unique } from "./fixtures";

/**
 * Issue 7 in the browser: search in Chinese, notifications, reminders, role dashboards. The notification tests
 * delegate to a county congress of their own (its one account's bell counts only this test's surveys), in an
 * inquiry of their own.
 */

async function delegate(page: import("@playwright/test").Page, title: string, due: string, counties: string[]) {
  const { id } = await makeInquiry({ stage: "research" });
  await page.goto(`/inquiries/${id}/surveys`);
  const form = page.locator("#delegate");
  await form.getByLabel("调研题目").fill(title);
  await form.getByLabel("截止日期").fill(due);
  for (const county of counties) await form.getByLabel(county).check();
  await form.getByTestId("rte-brief").click();
  await page.keyboard.type("请按时报送调研报告。");
  await form.getByRole("button", { name: "委托调研" }).click();
  await expect(page.getByRole("status")).toContainText(`委托调研「${title}」`);
}

test("staff search a two-character word and see it marked in the snippet; a one-character query is explained", async ({ page }) => {
  await login(page, "staff");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "搜索" }).click();
  await page.getByLabel("关键词").fill("医养");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(/q=%E5%8C%BB%E5%85%BB/);
  const results = page.locator(".search-results li");
  await expect(results.first()).toBeVisible();
  await expect(page.locator(".search-results mark").first()).toHaveText("医养");
  await expect(page.getByRole("link", { name: /问题线索/ }).first()).toBeVisible();

  await page.getByLabel("关键词").fill("医");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByText("请至少输入两个字")).toBeVisible();
  await expect(page.getByLabel("关键词")).toHaveValue("医");
});

test("a county finds its own report but never another county's; a department finds no research", async ({ page }) => {
  // one request delegated to both counties; 温县 has submitted a report with a word of this run's own
  const marker = unique("温县调研标记");
  const { id } = await makeInquiry({ stage: "research" });
  await makeSurvey(id, { title: unique("检索范围调研"), counties: ["温县人大常委会", "武陟县人大常委会"], reports: { 温县人大常委会: `温县调研报告：${marker}，产业扶贫覆盖全部贫困村。` } });
  await login(page, "county");
  await page.goto(`/search?q=${encodeURIComponent(marker)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  await expect(page.locator(".search-kinds")).toContainText("县区调研报告");
  await logout(page);

  await login(page, "county2");
  await page.goto(`/search?q=${encodeURIComponent(marker)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 0 条结果");
  await expect(page.locator(".search-kinds")).not.toContainText("县区调研报告");
  await logout(page);

  await login(page, "health");
  await page.goto(`/search?q=${encodeURIComponent("医养中心建设运行")}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 0 条结果");
});

test("a delegation notifies the county; the bell counts it; reading clears it", async ({ page, browser }) => {
  const title = unique("通知测试调研");
  const countyOrg = await makeOrganization("county_congress", "通知测试县人大常委会");
  const liaison = await makeAccount("county", { organizationId: countyOrg.id, prefix: "bellcounty" });
  await login(page, "staff");
  await delegate(page, title, shanghaiDate(20), [countyOrg.name]);

  const context = await browser.newContext();
  const county = await context.newPage();
  await login(county, liaison.username);
  const bell = county.getByTestId("bell");
  await expect(bell).toHaveAccessibleName("通知，1 条未读");
  await bell.click();
  const item = county.getByTestId("notifications").getByRole("link", { name: new RegExp(`委托调研：${title}`) });
  await expect(item).toBeVisible();
  await county.getByRole("button", { name: "全部标为已读" }).click();
  await expect(county.getByRole("status")).toContainText("标为已读");
  await expect(county.getByTestId("bell")).toHaveAccessibleName("通知，0 条未读");
  await item.click();
  await expect(county).toHaveURL(/\/surveys\/\d+$/);
  await expect(county.getByRole("heading", { name: title })).toBeVisible();
  await context.close();
});

test("the reminder job run twice sends each reminder once", async ({ page }) => {
  test.setTimeout(90_000);
  const title = unique("提醒测试调研");
  const countyOrg = await makeOrganization("county_congress", "提醒测试县人大常委会");
  const liaison = await makeAccount("county", { organizationId: countyOrg.id, prefix: "remindcounty" });
  // the survey straight into the database (delegating through the page is tested above and in research-surveys)
  const { id } = await makeInquiry({ stage: "research" });
  await makeSurvey(id, { title, counties: [countyOrg.name], dueDate: shanghaiDate(3) });
  // the job as the command runs it (`npm run reminders`), without npx's start-up
  const run = () =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "db/cli/reminders.ts"], { cwd: new URL("..", import.meta.url).pathname, env: { ...process.env, XUNWEN_DB_PATH: E2E_DB_PATH } });
  // other specs may create deadlines concurrently, so count this survey's reminders rather than the run's total
  const reminders = async () =>
    (await queryAll<{ n: number }>(`select count(*) as n from notifications where kind = 'deadline' and title like ?`, [`%${title}%`]))[0].n;
  const first = await run();
  expect(first.stdout).toMatch(/新发送 [1-9]\d* 条/);
  expect(await reminders()).toBe(1);
  await run();
  expect(await reminders()).toBe(1);

  await login(page, liaison.username);
  await page.goto("/notifications");
  await expect(page.getByTestId("notifications").getByText(new RegExp(`委托调研「${title}」将于 3 天后到期`))).toHaveCount(1);
});

test("each role's home page shows its own dashboard", async ({ page }) => {
  await login(page, "staff");
  await expect(page.getByRole("heading", { name: "各阶段专题询问" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "已逾期和临近期限" })).toBeVisible();
  await logout(page);
  await login(page, "county2");
  await expect(page.getByRole("heading", { name: "委托本单位的调研" })).toBeVisible();
  await expect(page.getByText("全市脱贫攻坚工作委托调研")).toBeVisible();
  await logout(page);
  await login(page, "member");
  await expect(page.getByRole("heading", { name: "正在进行的满意度测评" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "询问提纲 · 问题建议" })).toBeVisible();
  await logout(page);
  await login(page, "health");
  await expect(page.getByRole("heading", { name: "整改事项（期限近的在前）" })).toBeVisible();
});

test("the demo's health answer is found by a two-character word; two words narrow to the exchanges holding both", async ({ page }) => {
  const fixture = JSON.parse(readFileSync(new URL("../db/seed/jiaozuo-2020-poverty-inquiry.json", import.meta.url), "utf8")) as {
    topics: { keyword: string; exchanges: { question: string; answer: string; responder: { organization: string } }[] }[];
  };
  const exchanges = fixture.topics.flatMap((t) => t.exchanges.map((e) => ({ ...e, text: `${t.keyword} ${e.question} ${e.answer}` })));
  const both = exchanges.filter((e) => e.text.includes("贫困") && e.text.includes("就业")).length;
  const poverty = exchanges.filter((e) => e.text.includes("贫困")).length;
  expect(both).toBeGreaterThan(0);
  expect(both).toBeLessThan(poverty);

  await login(page, "staff");
  await page.goto(`/search?q=${encodeURIComponent("医养")}&kind=exchange&inquiry=1`);
  const hit = page.locator(".search-results li").first();
  await expect(hit).toContainText("医养");
  await hit.getByRole("link").first().click();
  await expect(page.locator("main")).toContainText("杨吉喜");

  await page.goto(`/search?q=${encodeURIComponent("贫困")}&kind=exchange&inquiry=1`);
  await expect(page.getByTestId("search-total")).toHaveText(`共找到 ${poverty} 条结果`);
  await page.goto(`/search?q=${encodeURIComponent("贫困 就业")}&kind=exchange&inquiry=1`);
  await expect(page.getByTestId("search-total")).toHaveText(`共找到 ${both} 条结果`);
});

test("a signed-out browser sees the published digest with the published rectification status, and nothing else", async ({ page }) => {
  await page.goto("/public");
  await page.getByRole("link", { name: /脱贫攻坚/ }).first().click();
  await expect(page).toHaveURL(/\/public\/inquiries\/1$/);
  const status = page.getByTestId("public-rectification");
  await expect(status).toContainText("整改落实情况");
  await expect(status.getByRole("row").nth(1)).toBeVisible();
  // no personal data of department liaisons
  await expect(page.locator("main")).not.toContainText("联络员");
  for (const path of ["/inquiries/1", "/inquiries/1/rectification", "/rectification/1", "/my", "/search?q=%E5%8C%BB%E5%85%BB"]) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/login\?redirectTo=/);
  }
});
