import { expect, test, type Page } from "@playwright/test";
import { Document, Packer, Paragraph } from "docx";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { approvePlan, login, queryAll, shanghaiDate, signedIn, unique } from "./fixtures";

/**
 * Issue 21: supervision beyond one meeting — action plans as items, accountability steps, follow-up rounds,
 * the chronicle. Each test registers its own inquiry, so what it counts is its own.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SEED_004 = readFileSync(resolve(here, "../app/followup/fixtures/seed-004-action-plan.txt"), "utf8");

async function createInquiry(page: Page, title: string, meetingDate: string): Promise<number> {
  await page.goto("/inquiries/new");
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("询问主题").fill(`${title}主题`);
  await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
  await page.getByLabel("询问会日期（计划）").fill(meetingDate);
  await page.getByRole("button", { name: "新建" }).click();
  await expect(page).toHaveURL(/\/inquiries\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  await approvePlan(id);
  return id;
}

/** seed 004 as a Word file: one paragraph per line, as an office would have it. */
async function seedDocx(): Promise<Buffer> {
  const doc = new Document({ sections: [{ children: SEED_004.split(/\r?\n/).map((line) => new Paragraph({ text: line })) }] });
  return Packer.toBuffer(doc);
}

test("seed 004 uploaded as .docx becomes 24 items with its units; unknown names are mapped or created; others get 403", async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await signedIn(browser, "staff");
  const inquiryId = await createInquiry(page, unique("脱贫攻坚行动计划督办"), shanghaiDate(-30));
  await page.goto(`/inquiries/${inquiryId}/rectification`);
  await page.getByRole("link", { name: "从行动计划导入" }).click();
  await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/rectification/plan$`));
  await page.getByLabel("或上传文件（.docx、.txt）").setInputFiles({
    name: "焦作市打好精准脱贫攻坚战三年行动计划.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: await seedDocx(),
  });
  await page.getByRole("button", { name: "识别任务" }).click();
  await expect(page.getByTestId("plan-summary")).toContainText("识别出 24 项带责任单位的任务");
  await expect(page.getByTestId("plan-task")).toHaveCount(24);
  const first = page.getByTestId("plan-task").first();
  await expect(first).toContainText("二、（一）1.");
  await expect(first.getByTestId("plan-task-units")).toContainText("牵头：市委组织部（新建）");
  // the plan writes 市人力资源社会保障局 for 市人力资源和社会保障局: matched without asking
  await expect(page.getByTestId("plan-unknown")).not.toContainText("市人力资源社会保障局");
  await expect(page.getByLabel("各县市区党委政府", { exact: true })).toHaveValue("ignore");

  // as proposed, the tasks named only by collectives have no lead: refused, nothing imported
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByTestId("plan-errors")).toContainText("任务 二、（一）2.：没有可作为牵头单位的单位");
  expect(await queryAll("SELECT id FROM rectification_items WHERE inquiry_id = ?", [inquiryId])).toEqual([]);

  // map the plan's old and collective names to the units that exist now, then import in one step
  await page.getByLabel("市扶贫办", { exact: true }).selectOption({ label: "市脱贫攻坚办" });
  await page.getByLabel("市脱贫攻坚领导小组各成员单位", { exact: true }).selectOption({ label: "市脱贫攻坚办" });
  await page.getByLabel("市卫生计生委", { exact: true }).selectOption({ label: "市卫生健康委员会" });
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/rectification$`));
  await expect(page.getByText(/已从行动计划导入整改事项 24 项/)).toBeVisible();

  const items = await queryAll<{ id: number; plan_label: string; lead: string }>(
    "SELECT i.id, i.plan_label, o.name AS lead FROM rectification_items i JOIN organizations o ON o.id = i.lead_department_id WHERE i.inquiry_id = ? ORDER BY i.number",
    [inquiryId],
  );
  expect(items).toHaveLength(24);
  expect(items.map((i) => i.plan_label).slice(0, 3)).toEqual(["二、（一）1.", "二、（一）2.", "二、（一）3."]);
  expect(items[1].lead).toBe("市脱贫攻坚办");
  expect(items[8]).toMatchObject({ plan_label: "二、（三）2.", lead: "市教育局" });

  await page.goto(`/rectification/${items[0].id}`);
  await expect(page.getByTestId("item-lead")).toHaveText("市委组织部");
  await expect(page.getByTestId("item-co")).toContainText("市脱贫攻坚办");
  await expect(page.getByTestId("item-co")).toContainText("市卫生健康委员会");
  await expect(page.getByTestId("item-source")).toContainText("行动计划《焦作市打好精准脱贫攻坚战三年行动计划");
  await expect(page.getByTestId("item-plan-paragraph")).toContainText("聚焦贫困村整村推进");

  // departments may not import plans: 403 on the page and on the form's POST
  const health = await signedIn(browser, "health");
  const get = await health.request.get(`/inquiries/${inquiryId}/rectification/plan`);
  expect(get.status()).toBe(403);
  const post = await health.request.post(`/inquiries/${inquiryId}/rectification/plan`, { form: { intent: "preview", text: "1.测试。（市教育局负责）" } });
  expect(post.status()).toBe(403);
});
