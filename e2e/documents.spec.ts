import { expect, test, type Page } from "@playwright/test";
import JSZip from "jszip";
import { execute, shanghaiDate, signedIn, unique } from "./fixtures";

/** The text of a downloaded .docx body (w:t runs joined) and its section properties. */
async function docx(page: Page, href: string) {
  const response = await page.request.get(href);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("wordprocessingml");
  const zip = await JSZip.loadAsync(await response.body());
  const xml = await zip.file("word/document.xml")!.async("string");
  return { xml, text: [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""), disposition: decodeURIComponent(response.headers()["content-disposition"] ?? "") };
}

const chinese = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return `${y}年${m}月${d}日`;
};
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

test("documents: holidays loaded, a deadline in 工作日, the calendar, an edited template, and every letter and the digest as GB/T 9704 Word", async ({ browser }) => {
  test.setTimeout(120_000);
  const today = shanghaiDate(0);
  const year = Number(today.slice(0, 4));
  // this test's arrangement: next Monday off, the Saturday after it worked (调休)
  let monday = addDays(today, 1);
  while (weekday(monday) !== 1) monday = addDays(monday, 1);
  const saturday = addDays(monday, 5);
  test.skip(monday.slice(0, 4) !== String(year) || addDays(saturday, 20).slice(0, 4) !== String(year), "the arrangement must stay in this year");
  let expected = today;
  for (let left = 10; left > 0; ) {
    expected = addDays(expected, 1);
    const w = weekday(expected);
    const working = expected === saturday || (expected !== monday && w !== 0 && w !== 6);
    if (working) left--;
  }

  // The administrator loads the year's holidays; a bad line is refused next to the field, the input kept.
  const admin = await signedIn(browser, "admin");
  await admin.goto("/admin/calendar");
  const form = admin.getByTestId("holiday-form");
  await form.getByLabel("年份").fill(String(year));
  await form.getByLabel(/^安排/).fill(`${monday} 班 测试`);
  await form.getByRole("button", { name: "载入" }).click();
  await expect(form.locator(".field-error, [role=alert]").first()).toContainText("不是星期六或星期日");
  await expect(form.getByLabel(/^安排/)).toHaveValue(`${monday} 班 测试`);
  await form.getByLabel(/^安排/).fill(`${monday} 休 测试假日\n${saturday} 班 测试假日`);
  await form.getByLabel("依据（可选）").fill("端到端测试");
  await form.getByRole("button", { name: "载入" }).click();
  await expect(admin.getByRole("status")).toContainText(`已载入 ${year} 年节假日安排：放假 1 天，调休上班 1 天`);
  await expect(admin.getByTestId(`calendar-year-${year}`)).toContainText(`${chinese(saturday)} 调休上班 测试假日`);

  // …and edits the 交办函 template (an unknown placeholder is refused first).
  const marker = unique("请于收函后十日内报送整改方案");
  await admin.goto("/admin/letters");
  const template = admin.getByTestId("template-assign_items");
  const body = template.getByLabel(/^正文/);
  const original = await body.inputValue();
  await body.fill(`${original}\n{单位}`);
  await template.getByRole("button", { name: "保存模板" }).click();
  await expect(admin.getByTestId("template-assign_items").locator(".field-error, [role=alert]")).toContainText("不认识的占位符：{单位}");
  await admin.getByTestId("template-assign_items").getByLabel(/^正文/).fill(`${original.replace("特此函告。", "")}\n${marker}\n特此函告。`);
  await admin.getByTestId("template-assign_items").getByRole("button", { name: "保存模板" }).click();
  await expect(admin.getByRole("status")).toContainText("模板已保存");

  // Staff give an item a deadline of 10 工作日: it lands on the day the arrangement gives.
  const staff = await signedIn(browser, "staff");
  const problem = unique("文书测试问题");
  await staff.goto("/inquiries/1/rectification/new");
  await staff.getByLabel("问题").fill(problem);
  await staff.getByLabel("牵头单位").selectOption({ label: "市卫生健康委员会" });
  await staff.getByRole("radio", { name: /工作日|或自今日起/ }).check();
  await staff.getByLabel("工作日数").fill("10");
  await staff.getByRole("button", { name: "交办整改事项" }).click();
  await expect(staff).toHaveURL(/\/rectification\/\d+$/);
  const itemPath = new URL(staff.url()).pathname;
  const itemId = Number(itemPath.split("/").pop());
  await expect(staff.getByTestId("item-deadline")).toContainText(chinese(expected));
  await expect(staff.getByTestId("item-deadline")).toContainText("按 10 个工作日设定");
  await expect(staff.locator("[data-light]").first()).toContainText("个工作日");

  // The calendar shows it on its day, the holiday marked.
  await staff.goto(`/calendar?inquiry=1&month=${expected.slice(0, 7)}`);
  await expect(staff.getByTestId("calendar-month")).toHaveText(`${year}年${Number(expected.slice(5, 7))}月`);
  await expect(staff.getByTestId("calendar-deadlines")).toContainText(`${chinese(expected)} 整改事项`);
  await expect(staff.getByTestId("calendar-grid").locator(`td[data-date="${expected}"]`)).toContainText("市卫生健康委员会");
  if (monday.slice(0, 7) === expected.slice(0, 7)) await expect(staff.getByTestId("calendar-grid").locator(`td[data-date="${monday}"]`)).toContainText("测试假日放假");

  // 交办函 to the lead unit: numbered, from the edited template, listing the item with its deadline.
  await staff.goto("/inquiries/1/letters");
  const assign = staff.getByTestId("letter-assign_items");
  await assign.getByLabel("牵头单位").selectOption((await assign.locator("option", { hasText: "市卫生健康委员会" }).first().getAttribute("value"))!);
  await assign.getByRole("button", { name: "制发交办函" }).click();
  await expect(staff.getByRole("status")).toContainText(`已制发交办函（`);
  const number = /（(.+〔\d{4}〕\d+号)）/.exec((await staff.getByRole("status").textContent()) ?? "")![1];
  const row = staff.getByTestId("letters").locator("tr", { hasText: number });
  const letter = await docx(staff, (await row.getByRole("link").getAttribute("href"))!);
  expect(letter.text).toContain(number);
  expect(letter.text).toContain("市卫生健康委员会：");
  expect(letter.text).toContain(problem);
  expect(letter.text).toContain(`整改时限：${chinese(expected)}`);
  expect(letter.text).toContain(marker);
  expect(letter.xml).toContain('w:top="2098"');
  expect(letter.xml).toMatch(/<w:docGrid [^>]*w:linePitch="579"/);
  expect(letter.disposition).toContain(`交办函（市卫生健康委员会，${number}）`);
  // the addressee may read it; another department may not
  const health = await signedIn(browser, "health");
  expect((await health.request.get(`/letters/${/\/letters\/(\d+)/.exec((await row.getByRole("link").getAttribute("href"))!)![1]}.docx`)).status()).toBe(200);
  const education = await signedIn(browser, "education");
  expect((await education.request.get((await row.getByRole("link").getAttribute("href"))!)).status()).toBe(403);
  expect((await education.request.get("/inquiries/1/letters")).status()).toBe(403);

  // The item's history records the letter.
  await staff.goto(itemPath);
  await expect(staff.getByTestId("history")).toContainText(`发出交办函（${number}）`);

  // Overdue: a 督办函 and a 催办函, both numbered.
  await execute("update rectification_items set deadline = ? where id = ?", [shanghaiDate(-3), itemId]);
  await staff.goto("/inquiries/1/letters");
  const supervise = staff.getByTestId("letter-supervise");
  const option = await supervise.locator("option", { hasText: "市卫生健康委员会" }).first().getAttribute("value");
  await supervise.getByLabel("牵头单位").selectOption(option!);
  await supervise.getByLabel(/督办意见/).fill("请于本周内书面报告。");
  await supervise.getByRole("button", { name: "制发督办函" }).click();
  await expect(staff.getByRole("status")).toContainText("已制发督办函（");
  const superviseNumber = /（(.+〔\d{4}〕\d+号)）/.exec((await staff.getByRole("status").textContent()) ?? "")![1];
  const supervised = await docx(staff, (await staff.getByTestId("letters").locator("tr", { hasText: superviseNumber }).getByRole("link").getAttribute("href"))!);
  expect(supervised.text).toContain("关于督办");
  expect(supervised.text).toContain(problem);
  expect(supervised.text).toContain("请于本周内书面报告。");

  await staff.goto(itemPath);
  await staff.getByTestId("chase-panel").getByRole("button", { name: "催办" }).click();
  await expect(staff.getByRole("status")).toContainText("已向市卫生健康委员会催办");
  const chase = await docx(staff, (await staff.getByTestId("chase-list").getByRole("link", { name: "下载催办函" }).first().getAttribute("href"))!);
  expect(chase.text).toMatch(/〔\d{4}〕\d+号催办函市卫生健康委员会：/);
  expect(chase.text).toContain(problem.slice(0, 20));

  // 审议意见书 to the government: the opinions are required.
  await staff.goto("/inquiries/1/letters");
  const opinion = staff.getByTestId("letter-opinion");
  await opinion.getByRole("button", { name: "制发审议意见书" }).click();
  await expect(staff.getByTestId("letter-opinion").locator(".field-error, [role=alert]")).toContainText("请填写审议意见");
  await staff.getByTestId("letter-opinion").getByLabel("审议意见").fill("一、进一步压实健康扶贫责任。");
  await staff.getByTestId("letter-opinion").getByRole("button", { name: "制发审议意见书" }).click();
  await expect(staff.getByRole("status")).toContainText("已制发审议意见书（");
  const opinionNumber = /（(.+〔\d{4}〕\d+号)）/.exec((await staff.getByRole("status").textContent()) ?? "")![1];
  const review = await docx(staff, (await staff.getByTestId("letters").locator("tr", { hasText: opinionNumber }).getByRole("link").getAttribute("href"))!);
  expect(review.text).toContain("审议意见");
  expect(review.text).toContain("一、进一步压实健康扶贫责任。");

  // 交办函 of the issued outline, to a department with questions in it.
  const outline = staff.getByTestId("letter-assign_outline");
  await outline.getByRole("button", { name: "制发交办函" }).click();
  await expect(staff.getByRole("status")).toContainText("已制发交办函（");
  const outlineNumber = /（(.+〔\d{4}〕\d+号)）/.exec((await staff.getByRole("status").textContent()) ?? "")![1];
  const issued = await docx(staff, (await staff.getByTestId("letters").locator("tr", { hasText: outlineNumber }).getByRole("link").getAttribute("href"))!);
  expect(issued.text).toContain("询问问题的函");
  expect(issued.text).toContain("1．（");

  // The digest as Word: the official layout, no colour.
  const digest = await docx(staff, "/inquiries/1/digest.docx");
  expect(digest.xml).toContain('w:top="2098"');
  expect(digest.xml).toContain('w:left="1587"');
  expect(digest.xml).toContain('w:eastAsia="方正小标宋简体"');
  expect(digest.xml).not.toMatch(/<w:color w:val="(?!000000|auto)/);

  for (const p of [admin, staff, health, education]) await p.context().close();
});
