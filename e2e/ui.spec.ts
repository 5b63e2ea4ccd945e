import { expect, test, type Page } from "@playwright/test";
import { insert, login, queryAll, shanghaiDate, signedIn, unique } from "./fixtures";

/**
 * Issue 17 (the pages part): the ledger prints on A4 landscape with no column cut; phones (390×844) get a folded
 * header and cards instead of wide tables, with no horizontal scrolling; every inquiry page has the same
 * breadcrumb and stage tabs; dates in stored text read 2020年9月22日, people by name, items by their problem.
 *
 * Each test makes the inquiry and items it looks at (other specs run at the same time).
 */

const LONG = "乡镇卫生院全科医生缺口较大、村卫生室标准化建设滞后、家庭医生签约服务流于形式，群众反映看病远看病难的问题仍然突出";

/** An inquiry in 整改督办 with `count` items led by 市卫生健康委员会, each with two co-departments and long texts. */
async function makeLedger(count: number): Promise<{ inquiryId: number; title: string; itemIds: number[]; problems: string[] }> {
  const now = new Date().toISOString();
  const title = unique("界面专题询问");
  const inquiryId = await insert(
    "insert into inquiries (title, congress, stage, plan_status, meeting_date, created_at, updated_at) values (?, '焦作市人大常委会', 'rectification', 'approved', ?, ?, ?)",
    [title, shanghaiDate(-30), now, now],
  );
  const orgs = await queryAll<{ id: number; name: string }>(
    "select id, name from organizations where name in ('市卫生健康委员会', '市教育局', '市住房和城乡建设局') order by name",
  );
  const health = orgs.find((o) => o.name === "市卫生健康委员会")!;
  const others = orgs.filter((o) => o !== health);
  for (const o of orgs) await insert("insert into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, o.id]);
  const itemIds: number[] = [];
  const problems: string[] = [];
  for (let n = 1; n <= count; n++) {
    const problem = `${unique(`第${n}项`)}${LONG}`;
    const deadline = shanghaiDate(n % 3 === 0 ? -5 : 20 + n);
    const id = await insert(
      "insert into rectification_items (inquiry_id, number, problem, requirement, lead_department_id, deadline, original_deadline, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [inquiryId, n, problem, `${LONG}，限期完成标准化建设并建立长效机制`, health.id, deadline, deadline, n % 2 ? "in_progress" : "todo", now, now],
    );
    for (const o of others) await insert("insert into rectification_codepartments (item_id, organization_id) values (?, ?)", [id, o.id]);
    itemIds.push(id);
    problems.push(problem);
  }
  return { inquiryId, title, itemIds, problems };
}

/** The page scrolls only vertically: nothing is wider than the viewport. */
async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    clientWidth: document.scrollingElement!.clientWidth,
  }));
  expect(scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

test("the ledger prints on A4 landscape: every column inside the printable width, header repeated, no navigation", async ({ page }) => {
  const { inquiryId } = await makeLedger(12);
  await login(page, "staff");
  await page.goto(`/inquiries/${inquiryId}/rectification`);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(12);
  await expect(page.getByTestId("print-button")).toBeVisible();

  // A4 landscape less the ledger's @page margins (10 mm left and right): 277 mm at 96 px per inch
  const printableWidth = Math.floor((277 / 25.4) * 96);
  await page.setViewportSize({ width: printableWidth, height: 700 });
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("inquiry-tabs")).toBeHidden();
  await expect(page.getByTestId("breadcrumbs")).toBeHidden();
  await expect(page.getByTestId("app-header")).toBeHidden();
  await expect(page.getByTestId("print-button")).toBeHidden();
  const layout = await page.evaluate(() => {
    const table = document.querySelector<HTMLTableElement>('[data-testid="ledger"]')!;
    const cells = [...table.querySelectorAll<HTMLElement>("th, td")];
    const bar = document.querySelector<HTMLElement>(".rect-progress-bar")!;
    return {
      tableRight: table.getBoundingClientRect().right,
      tableScroll: table.scrollWidth,
      tableClient: table.clientWidth,
      cutCells: cells.filter((c) => c.scrollWidth > c.clientWidth + 1).length,
      columns: table.querySelectorAll("thead th").length,
      headerGroup: getComputedStyle(table.querySelector("thead")!).display,
      pageWidth: document.scrollingElement!.scrollWidth,
      barColours: getComputedStyle(bar).printColorAdjust,
    };
  });
  expect(layout.columns).toBe(6);
  expect(layout.tableScroll).toBeLessThanOrEqual(layout.tableClient);
  expect(layout.tableRight).toBeLessThanOrEqual(printableWidth);
  expect(layout.pageWidth).toBeLessThanOrEqual(printableWidth);
  expect(layout.cutCells).toBe(0);
  expect(layout.headerGroup).toBe("table-header-group"); // repeated at the top of every printed page
  expect(layout.barColours).toBe("exact"); // the progress bar prints its colours

  // Chromium's own print to PDF, with the page's @page size: A4 landscape (842 × 595 pt), a few pages for 12 items
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString("latin1");
  const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
  expect(boxes.length).toBeGreaterThan(0);
  for (const [w, h] of boxes) {
    expect(Math.round(w)).toBe(842);
    expect(Math.round(h)).toBe(595);
  }
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages).toBeLessThanOrEqual(4);
});

test("打印整个台账: a ledger longer than one screen page prints every item on one print view", async ({ page }) => {
  const { inquiryId, problems } = await makeLedger(23);
  await login(page, "staff");
  await page.goto(`/inquiries/${inquiryId}/rectification`);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(20);
  await page.getByTestId("print-all").click();
  await expect(page).toHaveURL(/print=all/);
  await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(23);
  for (const p of problems) await expect(page.getByTestId("ledger")).toContainText(p.slice(0, 12));
  await expect(page.getByTestId("print-all")).toHaveCount(0);
  await expect(page.getByTestId("print-button")).toBeVisible();
});

test("phones (390×844): folded header, cards instead of tables on /my, the item page and the public pages", async ({ browser }) => {
  const { itemIds, problems } = await makeLedger(3);

  const health = await signedIn(browser, "health");
  await health.setViewportSize({ width: 390, height: 844 });

  // the header: one row, the brand not broken, navigation behind 菜单
  await health.goto("/my");
  const header = health.getByTestId("app-header");
  expect((await header.boundingBox())!.height).toBeLessThanOrEqual(64);
  await expect(health.getByRole("navigation", { name: "主导航" })).toBeHidden();
  await health.getByTestId("menu-toggle").click();
  await expect(health.getByTestId("menu-toggle")).toHaveAttribute("aria-expanded", "true");
  const nav = health.getByRole("navigation", { name: "主导航" });
  await expect(nav.getByRole("link", { name: "我的待办" })).toBeVisible();
  for (const link of await nav.getByRole("link").all()) {
    const box = (await link.boundingBox())!;
    expect(box.height, "a menu entry wraps").toBeLessThanOrEqual(48);
  }
  await health.getByTestId("menu-toggle").click();
  await expect(nav).toBeHidden();

  // /my: each item is a card as wide as the screen, its title on whole lines
  const row = health.getByTestId(`my-item-${itemIds[0]}`);
  await expect(row).toContainText(problems[0].slice(0, 12));
  const card = (await row.boundingBox())!;
  expect(card.width).toBeGreaterThanOrEqual(330);
  const title = (await row.locator("td").first().boundingBox())!;
  expect(title.width).toBeGreaterThanOrEqual(300);
  await expect(row.locator('td[data-label="整改时限"]')).toBeVisible();
  await expectNoHorizontalScroll(health);
  // the cards keep the page short: three items, not thousands of pixels each
  expect(card.height).toBeLessThan(400);

  // the item page a department works on, with its history as cards
  await health.goto(`/rectification/${itemIds[0]}`);
  await expect(health.getByTestId("item-title")).toContainText(problems[0].slice(0, 12));
  await expect(health.getByTestId("progress-form")).toBeVisible();
  await expectNoHorizontalScroll(health);

  // the public pages, without a sign-in
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const visitor = await context.newPage();
  await visitor.goto("/public");
  await expectNoHorizontalScroll(visitor);
  await visitor.goto(`/public/inquiries/1`);
  await expect(visitor.getByTestId("digest-title")).toBeVisible();
  await expectNoHorizontalScroll(visitor);

  // the demo inquiry's public rectification table: one card per item, every cell at a readable width
  const publicRows = visitor.getByTestId("public-rectification").locator("table tbody tr");
  await expect(publicRows.first()).toBeVisible();
  for (const cell of await publicRows.first().locator("td").all()) {
    if (!(await cell.isVisible())) continue;
    expect((await cell.boundingBox())!.width, "a table cell squeezed to a few characters").toBeGreaterThanOrEqual(280);
  }
  await expectNoHorizontalScroll(visitor);
  await context.close();
});

test("the member's ballot on a phone: no sideways scrolling, large choices", async ({ browser }) => {
  const now = new Date().toISOString();
  const inquiryId = await insert(
    "insert into inquiries (title, congress, stage, plan_status, meeting_date, created_at, updated_at) values (?, '焦作市人大常委会', 'meeting', 'approved', ?, ?, ?)",
    [unique("手机测评专题询问"), now.slice(0, 10), now, now],
  );
  const [health] = await queryAll<{ id: number }>("select id from organizations where name = '市卫生健康委员会'");
  await insert("insert into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, health.id]);
  const meetingId = await insert(
    "insert into meetings (inquiry_id, meeting_date, vote_mode, vote_secret, created_at, updated_at) values (?, ?, 'answer', 1, ?, ?)",
    [inquiryId, now.slice(0, 10), now, now],
  );
  const segmentId = await insert(
    "insert into meeting_segments (meeting_id, inquiry_id, kind, position, keyword, headline, questioner_name, questioner_role, department_id, created_at, updated_at) values (?, ?, 'exchange', 1, ?, '让群众看得起病', '马爱国', '市人大常委会委员', ?, ?, ?)",
    [meetingId, inquiryId, unique("基层医疗"), health.id, now, now],
  );
  await insert(
    "insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_text, created_at, updated_at) values (?, 1, 'question', '马爱国', '市人大常委会委员', null, '请问如何解决？', ?, ?)",
    [segmentId, now, now],
  );
  await insert(
    "insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_text, created_at, updated_at) values (?, 2, 'answer', '杨吉喜', '主任', ?, '我们将……', ?, ?)",
    [segmentId, health.id, now, now],
  );
  const staff = await signedIn(browser, "staff");
  await staff.goto(`/inquiries/${inquiryId}/meeting/votes`);
  await staff.getByLabel("第 1 轮答复的表决方式").selectOption({ label: "网上投票" });
  await staff.getByRole("button", { name: "对第 1 轮答复发起测评" }).click();
  await expect(staff).toHaveURL(/\/votes\/\d+$/);
  const votePath = new URL(staff.url()).pathname;

  const member = await signedIn(browser, "member");
  await member.setViewportSize({ width: 390, height: 844 });
  await member.goto(votePath);
  const satisfied = member.getByRole("button", { name: "满意", exact: true });
  await expect(satisfied).toBeVisible();
  const box = (await satisfied.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(150);
  expect(box.height).toBeGreaterThanOrEqual(60);
  await expectNoHorizontalScroll(member);
  await member.goto("/votes");
  await expectNoHorizontalScroll(member);
});

test("every inquiry page has the same breadcrumb and stage tabs; departments get their inbox crumb instead", async ({ page, browser }) => {
  await login(page, "staff");
  const pages: [string, string][] = [
    ["/inquiries/1", "概况"],
    ["/inquiries/1/plan", "工作方案"],
    ["/inquiries/1/research", "会前调研"],
    ["/inquiries/1/surveys", "委托调研"],
    ["/inquiries/1/outline", "询问提纲"],
    ["/inquiries/1/outline/versions", "询问提纲"],
    ["/inquiries/1/meeting", "询问会"],
    ["/inquiries/1/meeting/votes", "询问会"],
    ["/inquiries/1/digest", "摘要"],
    ["/inquiries/1/rectification", "整改台账"],
    ["/inquiries/1/rectification/new", "整改台账"],
    ["/rectification/4", "整改台账"],
    ["/inquiries/1/handling-report", "处理情况报告"],
    ["/inquiries/1/close", "办结"],
  ];
  for (const [path, tab] of pages) {
    await page.goto(path);
    const tabs = page.getByTestId("inquiry-tabs");
    await expect(tabs.getByRole("link"), path).toHaveCount(10);
    await expect(tabs.locator('[aria-current="page"]'), path).toHaveText(tab);
    const crumbs = page.getByTestId("breadcrumbs").getByRole("listitem");
    await expect(crumbs.first(), path).toHaveText("专题询问");
    await expect(crumbs.nth(1), path).toHaveText("全市脱贫攻坚工作专题询问");
    await expect(page.getByTestId("breadcrumbs"), path).toHaveCount(1);
  }
  // one term for the ledger: the crumb, the tab and the heading agree
  await page.goto("/inquiries/1/rectification");
  await expect(page.getByTestId("breadcrumbs")).toContainText("整改台账");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("整改台账");
  await expect(page.locator("main")).not.toContainText("应询机关");
  await page.goto("/inquiries/1");
  await expect(page.locator("main")).toContainText("应询部门");

  // a department reaches its questions from its inbox: no tabs (it may not open the other stages)
  const health = await signedIn(browser, "health");
  await health.goto("/inquiries/1/outline");
  await expect(health.getByTestId("breadcrumbs").getByRole("listitem").first()).toHaveText("我的待办");
  await expect(health.getByTestId("inquiry-tabs")).toHaveCount(0);
});

test("stored text shows dates as 2020年9月22日, people by name and items by their problem", async ({ browser }) => {
  const { itemIds, problems } = await makeLedger(1);
  const [staffUser] = await queryAll<{ id: number }>("select id from users where username = 'staff'");
  // a history row as older code wrote it: an ISO date range in the comment, the login id in the actor label
  await insert("insert into item_events (item_id, action, comment, actor_id, actor_label, at) values (?, 'extension_decided', ?, ?, ?, ?)", [
    itemIds[0],
    "整改时限 2026-12-11 → 2027-01-13",
    staffUser.id,
    "刘静（staff）",
    new Date().toISOString(),
  ]);

  const staff = await signedIn(browser, "staff");
  await staff.goto(`/rectification/${itemIds[0]}`);
  await expect(staff.getByTestId("item-title")).toHaveText(problems[0].slice(0, 60) + "…");
  await expect(staff.getByTestId("item-number")).toContainText("第 1 项整改事项");
  await expect(staff).toHaveTitle(new RegExp(problems[0].slice(0, 10)));
  const history = staff.getByTestId("history");
  await expect(history).toContainText("整改时限 2026年12月11日 → 2027年1月13日");
  await expect(history).toContainText("刘静");
  await expect(history).not.toContainText("（staff）");
  await expect(history).not.toContainText(/\d{4}-\d{2}-\d{2}/);

  // the department's notification of the new item, written by a database trigger with an ISO deadline
  const health = await signedIn(browser, "health");
  await health.goto("/notifications");
  const note = health.getByTestId("notifications").getByRole("link", { name: new RegExp(problems[0].slice(0, 12)) });
  await expect(note).toBeVisible();
  await expect(note).toContainText(/（时限 \d{4}年\d{1,2}月\d{1,2}日）/);
  await expect(health.getByTestId("notifications")).not.toContainText(/\d{4}-\d{2}-\d{2}/);
});
