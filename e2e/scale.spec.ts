import { expect, test } from "@playwright/test";
import { insert, login, queryAll, shanghaiDate, unique } from "./fixtures";

/**
 * Issue 8 in the browser: lists that grow with the archive stay short. A department with many items pages
 * them on /my; the staff dashboard lists the departments with most items and all of them on request.
 * Each test works in an inquiry and organisations of its own, so the other specs' figures do not move.
 */

const now = new Date().toISOString();

async function makeInquiry(title: string): Promise<number> {
  return insert("insert into inquiries (title, congress, stage, created_at, updated_at) values (?, '焦作市人大常委会', 'rectification', ?, ?)", [title, now, now]);
}

async function makeDepartment(name: string): Promise<number> {
  return insert("insert into organizations (name, kind, sort_order, created_at, updated_at) values (?, 'department', 900, ?, ?)", [name, now, now]);
}

async function makeItem(inquiryId: number, number: number, leadId: number, problem: string, deadline: string) {
  await insert(
    `insert into rectification_items (inquiry_id, number, problem, requirement, lead_department_id, deadline, original_deadline, status, created_at, updated_at)
     values (?, ?, ?, '限期整改', ?, ?, ?, 'todo', ?, ?)`,
    [inquiryId, number, problem, leadId, deadline, deadline, now, now],
  );
}

test("a department with many items pages them on /my, nearest deadline first", async ({ page }) => {
  const inquiryId = await makeInquiry(unique("规模测试专题询问"));
  const orgName = unique("规模测试局");
  const orgId = await makeDepartment(orgName);
  const username = unique("scale").toLowerCase().replace(/[^a-z0-9]/g, "");
  // the demo accounts share one password: reuse its hash for this department's account
  await insert(
    `insert into users (username, display_name, role, organization_id, password_hash, password_changed_at, created_at, updated_at)
     select ?, '规模测试联络员', 'department', ?, password_hash, ?, ?, ? from users where username = 'health'`,
    [username, orgId, now, now, now],
  );
  // 35 items, inserted in reverse deadline order: item n is due in 10 + n days
  for (let n = 35; n >= 1; n--) await makeItem(inquiryId, n, orgId, `规模测试问题第${n}项`, shanghaiDate(10 + n));

  await login(page, username);
  await page.goto("/my");
  await expect(page.getByRole("heading", { name: "待办理的整改事项（35）" })).toBeVisible();
  const rows = page.getByTestId("my-items-open").locator("tbody tr");
  await expect(rows).toHaveCount(30);
  await expect(rows.first()).toContainText(/规模测试问题第1项.*第 1 项/);
  await expect(rows.last()).toContainText(/规模测试问题第30项.*第 30 项/);
  const pager = page.getByRole("navigation", { name: "待办理事项分页" });
  await expect(pager).toContainText("共 35 条，第 1 / 2 页");
  await pager.getByRole("link", { name: "下一页" }).click();
  await expect(page).toHaveURL(/openPage=2/);
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toContainText(/规模测试问题第31项.*第 31 项/);
  await expect(page.getByRole("navigation", { name: "待办理事项分页" })).toContainText("第 2 / 2 页");
});

test("the staff dashboard lists the departments with most items, and every department on request", async ({ page }) => {
  const inquiryId = await makeInquiry(unique("规模测试专题询问"));
  // 16 departments with items of their own: with the demo's, more than the 15 the dashboard lists
  const busiest = unique("规模测试重点局");
  const busiestId = await makeDepartment(busiest);
  let number = 1;
  // more items than any department already has (the database may hold earlier runs' departments too)
  const [{ most }] = await queryAll<{ most: number | null }>("select max(n) as most from (select count(*) as n from rectification_items group by lead_department_id)");
  const many = Math.max(40, Number(most ?? 0) + 1);
  for (let k = 0; k < many; k++) await makeItem(inquiryId, number++, busiestId, `规模测试重点问题${k}`, shanghaiDate(60));
  for (let d = 0; d < 15; d++) {
    const id = await makeDepartment(unique(`规模测试单位${d}`));
    await makeItem(inquiryId, number++, id, `规模测试一般问题${d}`, shanghaiDate(60));
  }

  await login(page, "staff");
  const table = page.getByTestId("department-table");
  await expect(table.locator("tbody tr")).toHaveCount(15);
  // the department with 40 items is listed first
  await expect(table.locator("tbody tr").first()).toContainText(busiest);
  const more = page.getByTestId("all-departments");
  await expect(more).toContainText("列出事项最多的 15 个单位");
  await more.getByRole("link", { name: "查看全部单位" }).click();
  await expect(page).toHaveURL(/departments=all/);
  // the URL changes before the new rows are drawn: wait for the full list's own state, then count (retrying)
  await expect(page.getByTestId("all-departments")).toHaveCount(0);
  await expect.poll(() => table.locator("tbody tr").count()).toBeGreaterThanOrEqual(16);
});

test("a common word lists results by kind and time and says so; a rarer one is ranked by relevance", async ({ page }) => {
  await login(page, "staff");
  await page.goto(`/search?q=${encodeURIComponent("医养")}`);
  await expect(page.getByTestId("search-order")).toHaveText("按相关度排列。");
  // 1,001 progress reports with a word of this run's own: more than are counted and ranked
  const inquiryId = await makeInquiry(unique("规模测试专题询问"));
  const orgId = await makeDepartment(unique("规模测试检索局"));
  await makeItem(inquiryId, 1, orgId, "规模测试检索问题", shanghaiDate(30));
  const [{ id: itemId }] = await queryAll<{ id: number }>("select id from rectification_items where inquiry_id = ?", [inquiryId]);
  const word = "检索" + [...String(Date.now() % 1e8)].map((d) => "零一二三四五六七八九"[Number(d)]).join("");
  await insert(
    `insert into progress_reports (item_id, inquiry_id, organization_id, body_text, created_at)
     with recursive c(n) as (select 0 union all select n + 1 from c where n < 1000)
     select ?, ?, ?, ? || '进展' || n, ? from c`,
    [itemId, inquiryId, orgId, word, now],
  );
  await page.goto(`/search?q=${encodeURIComponent(word)}`);
  await expect(page.getByTestId("search-total")).toHaveText("共找到超过 1000 条结果");
  await expect(page.getByTestId("search-order")).toContainText("按类别（询问、问答在前）和时间由近及远排列");
  await expect(page.getByRole("link", { name: /整改进展（1000\+）/ })).toBeVisible();
  // newest first
  await expect(page.locator(".search-results li").first()).toContainText(`${word}进展1000`);
});
