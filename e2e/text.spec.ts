import { expect, test, type Page } from "@playwright/test";
import JSZip from "jszip";
import { writeFileSync } from "node:fs";
import { SaxesParser } from "saxes";
import { manyRowsSheet, sparseSheet } from "../app/test/sheets";
import { insert, login, makeInquiry, queryAll, unique } from "./fixtures";

/** Registers an inquiry through the form and returns its id. */
async function createInquiry(page: Page, title: string): Promise<number> {
  await page.goto("/inquiries/new");
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问主题").fill(`${title}主题`);
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  return Number(new URL(page.url()).pathname.split("/").pop());
}

/** Every XML part of an Office file parses (what Word needs to open it). */
async function xmlErrors(bytes: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(bytes);
  const errors: string[] = [];
  for (const name of Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n))) {
    const parser = new SaxesParser();
    parser.on("error", (e) => {
      errors.push(`${name}: ${e.message}`);
    });
    try {
      parser.write(await zip.file(name)!.async("string")).close();
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  return errors;
}

test("a title over the limit is refused with a message beside the field, and nothing of it is cut (issue 15.8)", async ({ page }) => {
  await login(page, "staff");
  await page.goto("/inquiries/new");
  const long = `${unique("关于全市农村饮水安全巩固提升工程建设管理情况")}${"及其后续运行维护资金保障机制".repeat(25)}`.slice(0, 345);
  expect(long).toHaveLength(345);
  const title = page.getByLabel("名称");
  await expect(page.getByTestId("f-title-limit")).toHaveText("不超过 100 字（已输入 0 字）");
  await title.fill(long);
  await expect(title).toHaveValue(long);
  await expect(page.getByTestId("f-title-limit")).toHaveText("不超过 100 字（已输入 345 字，超出 245 字，请精简）");
  await page.getByLabel("询问主题").fill("农村饮水安全");
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page.locator("#f-title-error")).toHaveText("名称不能超过 100 个字");
  await expect(page).toHaveURL(/\/inquiries\/new$/);
  // the whole text is kept for the user to shorten
  await expect(title).toHaveValue(long);
  await expect(page.getByTestId("f-title-limit")).toContainText("已输入 345 字");
  expect(await queryAll("select id from inquiries where title like ?", [`${long.slice(0, 30)}%`])).toEqual([]);

  // shortened to the limit, it is saved whole
  const fits = long.slice(0, 100);
  await title.fill(fits);
  await expect(page.getByTestId("f-title-limit")).toHaveText("不超过 100 字（已输入 100 字）");
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(fits);
});

test("pasted links: a file:/// link and a Word #_Toc anchor become text, http stays, and a link can be removed (issue 15.5)", async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, "staff");
  const id = await createInquiry(page, unique("粘贴链接测试询问"));
  await page.goto(`/inquiries/${id}/plan`);
  const editor = page.getByTestId("rte-plan");
  await editor.click();
  // what Word puts on the clipboard: a table-of-contents anchor, a link to a file on the author's disk, a web link
  await editor.evaluate((el) => {
    const data = new DataTransfer();
    data.setData(
      "text/html",
      '<p><a href="#_Toc71234567">一、基本情况</a></p><p>详见<a href="file:///C:/Users/zhang/Documents/附件1.xlsx">附件1</a>，政策原文见<a href="https://www.gov.cn/zhengce/">中国政府网</a>。</p>',
    );
    data.setData("text/plain", "一、基本情况\n详见附件1，政策原文见中国政府网。");
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(editor).toContainText("详见附件1，政策原文见中国政府网。");
  await expect(editor).toContainText("一、基本情况");
  await expect(editor.locator("a")).toHaveCount(1);
  await expect(editor.locator("a")).toHaveText("中国政府网");

  // saved as pasted: not refused, the web link kept
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await expect(page.getByRole("status")).toContainText("工作方案已保存");
  await expect(editor.locator("a")).toHaveCount(1);
  await expect(editor).toContainText("详见附件1");

  // the cursor in the link, 取消链接 removes it and keeps its words
  await editor.locator("a").click();
  await page.getByRole("button", { name: "取消链接（保留文字）" }).click();
  await expect(editor.locator("a")).toHaveCount(0);
  await expect(editor).toContainText("政策原文见中国政府网。");
  // the first save's message is still on the page: wait for this save's own response before reloading
  const saved = page.waitForResponse((r) => r.request().method() === "POST" && /\/plan(\.data)?$/.test(new URL(r.url()).pathname));
  await page.getByRole("button", { name: "保存工作方案" }).click();
  await saved;
  await expect(page.getByRole("status")).toContainText("工作方案已保存");
  await page.reload();
  await expect(page.getByTestId("rte-plan")).toContainText("政策原文见中国政府网。");
  await expect(page.getByTestId("rte-plan").locator("a")).toHaveCount(0);
});

test("control characters: removed from what forms send; an export of text stored with them still opens (issue 15.1)", async ({ page }) => {
  await login(page, "staff");
  // through the form (as pasted from a PDF): the characters are gone from what is stored
  const marker = unique("控制字符");
  const response = await page.request.post("/inquiries/new", {
    form: { title: `${marker}\u000c专题\u000b询问\u0001\u0008\u0000`, topic: "健康\u200b扶贫", congress: "焦作市人大常委会", organizingBody: "市人大常委会" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  const [stored] = await queryAll<{ id: number; title: string; topic: string }>("select id, title, topic from inquiries where title like ?", [`${marker}%`]);
  expect(stored).toMatchObject({ title: `${marker}专题询问`, topic: "健康扶贫" });

  // an approved outline whose question text holds U+000C, U+000B, U+0001, U+0008, written straight into the
  // database (as rows stored before cleaning existed would be): outline.docx still opens
  const snapshot = {
    keywords: [
      {
        id: 1,
        keyword: "健康\u0001扶贫",
        headline: "",
        questions: [{ id: 1, text: "因病\u000c致贫\u000b返贫\u0001监测\u0008为何不及时？", departmentId: 1, departmentName: "市卫生健康委员会", questionerUserId: null, questionerName: "马爱国", questionerRole: "市人大常委会委员", sources: [] }],
      },
    ],
  };
  await insert(
    "insert into outline_versions (inquiry_id, number, status, snapshot_json, submitted_by, submitted_at, decided_on, decision_note, decided_by) values (?, 1, 'approved', ?, null, ?, '2031-09-01', '', null)",
    [stored.id, JSON.stringify(snapshot), new Date().toISOString()],
  );
  const docx = await page.request.get(`/inquiries/${stored.id}/outline.docx`);
  expect(docx.status()).toBe(200);
  const bytes = await docx.body();
  expect(await xmlErrors(bytes)).toEqual([]);
  const xml = await (await JSZip.loadAsync(bytes)).file("word/document.xml")!.async("string");
  expect(xml).toContain("因病致贫返贫监测为何不及时？");
  expect(xml).toContain("一、健康扶贫");
});

test("a follow-up chain nested 100,000 deep is refused with a Chinese message, not a server error (issue 16.5)", async ({ page }) => {
  await login(page, "staff");
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const response = await page.request.post("/inquiries/1/meeting", {
    form: { intent: "exchange", questionerName: "马爱国", departmentId: "1", question: "嵌套测试", chainJson: deep },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(400);
  expect(await response.text()).toContain("追问和补充回答的格式无法识别");
  expect(await queryAll("select id from meeting_turns where body_text = '嵌套测试'")).toEqual([]);
});

test("an import of a sheet with 100,000 rows, or one cell at row 1,048,576, is refused at once with the reason (issue 15.4)", async ({ page }) => {
  const { id } = await makeInquiry({ stage: "rectification" });
  await login(page, "staff");
  for (const [name, bytes, rows] of [
    ["十万行.xlsx", manyRowsSheet(100_000), "100001"],
    ["稀疏表格.xlsx", sparseSheet(), "1048576"],
  ] as const) {
    await page.goto(`/inquiries/${id}/rectification/import`);
    // from a file on disk: the browser reads it itself instead of the driver handing the bytes over
    const file = test.info().outputPath(name);
    writeFileSync(file, bytes);
    await page.getByLabel("Excel 文件（.xlsx）").setInputFiles(file);
    await page.getByRole("button", { name: "检查并导入" }).click();
    await expect(page.getByTestId("import-errors")).toContainText(`表格的使用范围达到第 ${rows} 行，每次最多导入 500 项`);
    await expect(page.getByTestId("import-errors")).toContainText(name);
  }
  // nothing of the sheets was imported
  expect(await queryAll("select id from rectification_items where inquiry_id = ?", [id])).toEqual([]);
});
