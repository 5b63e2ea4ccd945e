import { expect, test, type Page } from "@playwright/test";
import { insert, login, logout, makeInquiry, makeItem, makeSurvey, pdf, queryAll, shanghaiDate, signedIn, typeRichText, unique } from "./fixtures";

/**
 * Search as offices type (issue 15 item 2), narrowed by organisation and finding people and units (issue 23
 * item 2), and a county's hit opening a page it may read. Each test makes its own records, tagged so other runs
 * and specs do not change the counts.
 */

async function orgId(name: string): Promise<number> {
  const [row] = await queryAll<{ id: number }>("select id from organizations where name = ?", [name]);
  return row.id;
}

/** An item in an inquiry of the test's own (the demo inquiry's numbers are taken by other tests at the same time). */
async function addItem(inquiryId: number, problem: string, lead: string): Promise<number> {
  return (await makeItem(inquiryId, { problem, lead, deadline: "2026-12-31" })).id;
}

async function searchFor(page: Page, q: string) {
  await page.getByLabel("关键词").fill(q);
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByTestId("search-total")).toBeVisible();
}

test("full-width, half-width and lower-case queries find full-width text; a zero-width space hides nothing", async ({ page }) => {
  const tag = unique("核查");
  const { id } = await makeInquiry({ stage: "rectification" });
  await addItem(id, `ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。（${tag}）`, "市卫生健康委员会");
  await insert("insert into research_findings (inquiry_id, text, created_at) values (?, ?, ?)", [id, `农村饮\u200B水安全工程维护资金不足（${tag}）`, new Date().toISOString()]);

  await login(page, "staff");
  await page.goto("/search");
  for (const q of ["ＰＰＰ项目", "PPP项目", "ppp", "２０２６年", "2026年"]) {
    await searchFor(page, `${q} ${tag}`);
    await expect(page.getByTestId("search-total"), q).toHaveText("共找到 1 条结果");
    const hit = page.locator(".search-results li");
    // the snippet shows the text as it was written, the match marked
    await expect(hit.locator(".snippet")).toContainText("ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理");
    await expect(hit.locator("mark").first()).toHaveText(/ＰＰＰ|２０２６年/);
  }
  await searchFor(page, `饮水安全工程 ${tag}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  await expect(page.locator(".search-results li").getByRole("link", { name: "问题线索" })).toBeVisible();
});

test("staff find a department by name and narrow the result to one organisation; a department still sees only its own", async ({ page }) => {
  const tag = unique("台账");
  const { id } = await makeInquiry({ stage: "rectification" });
  await addItem(id, `控辍保学台账不全（${tag}）`, "市教育局");
  await addItem(id, `家庭医生签约不实（${tag}）`, "市卫生健康委员会");

  await login(page, "staff");
  await page.goto("/search");
  await searchFor(page, `教育局 ${tag}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  await expect(page.locator(".search-results .snippet")).toContainText("牵头单位：市教育局");

  await searchFor(page, tag);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 2 条结果");
  await page.getByLabel("单位").selectOption({ label: "市教育局" });
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(new RegExp(`org=${await orgId("市教育局")}`));
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  await expect(page.locator(".search-results .snippet")).toContainText("控辍保学台账不全");
  await expect(page.getByLabel("单位")).toHaveValue(String(await orgId("市教育局")));
  // a responding official of the demo meeting is found by name
  await page.getByLabel("单位").selectOption({ label: "全部单位" });
  await searchFor(page, "杨吉喜");
  await expect(page.getByTestId("search-total")).not.toHaveText("共找到 0 条结果");
  await expect(page.locator(".search-results mark").first()).toHaveText("杨吉喜");
  await logout(page);

  await login(page, "health");
  await page.goto(`/search?q=${encodeURIComponent(tag)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 1 条结果");
  await expect(page.locator(".search-results .snippet")).toContainText("家庭医生签约不实");
  await page.goto(`/search?q=${encodeURIComponent(`教育局 ${tag}`)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 0 条结果");
});

test("a county that finds a published exchange opens the public digest, never a page that refuses it", async ({ page }) => {
  await login(page, "county");
  await page.goto(`/search?q=${encodeURIComponent("健康扶贫")}&kind=exchange`);
  const links = page.locator(".search-results li a");
  await expect(links.first()).toBeVisible();
  // every hit opens a public digest (the demo's, or one another test has published meanwhile)
  for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))) expect(href).toMatch(/^\/public\/inquiries\/\d+$/);
  await links.first().click();
  await expect(page).toHaveURL(/\/public\/inquiries\/\d+$/);
  await expect(page.getByText("健康扶贫").first()).toBeVisible();
});

test("a county's draft and its file stay the county's until submitted: staff neither find nor download them (issue 16 item 3)", async ({ page, browser }) => {
  const title = unique("草稿保密调研");
  const marker = unique("草稿标记");
  // delegated straight in the database (delegating through the page is tested in research-surveys.spec.ts)
  const { id: inquiryId } = await makeInquiry({ stage: "research" });
  const { delegations } = await makeSurvey(inquiryId, { title, counties: ["武陟县人大常委会"] });
  const id = delegations["武陟县人大常委会"];
  await login(page, "staff");

  const county = await signedIn(browser, "county2");
  await county.goto(`/surveys/${id}`);
  await typeRichText(county, county.getByTestId("rte-report"), `武陟县调研报告草稿 ${marker}`);
  await county.getByLabel("添加附件").setInputFiles(pdf(`${marker}附表.pdf`));
  await county.getByRole("button", { name: "保存草稿" }).click();
  await expect(county.getByRole("status")).toContainText("草稿已保存");
  const [file] = await queryAll<{ id: number }>("select id from attachments where owner_type = 'survey_report' and owner_id = ?", [id]);

  // the county finds and downloads its own draft
  await county.goto(`/search?q=${encodeURIComponent(marker)}`);
  await expect(county.getByTestId("search-total")).toHaveText("共找到 2 条结果");
  expect((await county.request.get(`/attachments/${file.id}`)).status()).toBe(200);

  // staff: no hit, no count, and the file is refused like the page hides it
  await page.goto(`/search?q=${encodeURIComponent(marker)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 0 条结果");
  expect((await page.request.get(`/attachments/${file.id}`)).status()).toBe(403);

  // once submitted, staff read it everywhere
  await county.goto(`/surveys/${id}`);
  await county.getByRole("button", { name: "提交报告" }).click();
  await expect(county.getByRole("status")).toContainText("调研报告已提交");
  await page.goto(`/search?q=${encodeURIComponent(marker)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到 2 条结果");
  expect((await page.request.get(`/attachments/${file.id}`)).status()).toBe(200);
  await county.context().close();
});
