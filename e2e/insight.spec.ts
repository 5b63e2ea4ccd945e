import { expect, test } from "@playwright/test";
import { execute, insert, login, queryAll, unique } from "./fixtures";

/**
 * Issue 22: recurring problems across inquiries, answer gaps before the meeting, personal data kept out of
 * publication, the annual report. Each test makes its own inquiry (rows written straight into the e2e database:
 * the set-up is not what is tested) and counts only what it made.
 */
const now = () => new Date().toISOString();

async function orgId(name: string): Promise<number> {
  const [row] = await queryAll<{ id: number }>("SELECT id FROM organizations WHERE name = ?", [name]);
  return row.id;
}

async function makeInquiry(title: string, meetingDate: string, stage = "outline"): Promise<number> {
  return insert(
    "INSERT INTO inquiries (title, topic, congress, meeting_date, stage, plan_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'approved', ?, ?)",
    [title, "巩固拓展脱贫攻坚成果", "焦作市人大常委会", meetingDate, stage, now(), now()],
  );
}

// synthetic ID number with its GB 11643 check character computed; no real person's
function syntheticId(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return first17 + "10X98765432"[[...first17].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11];
}

test("staff see recurring problems across inquiries, confirm a group, and a county is refused", async ({ page, browser }) => {
  const title = unique("二〇二三年小额信贷专题询问");
  const inquiryId = await makeInquiry(title, "2023-06-20", "rectification");
  // the same lead department as the demo's 2020 item on 小额信贷
  const [{ id: lead }] = await queryAll<{ id: number }>("SELECT lead_department_id AS id FROM rectification_items WHERE inquiry_id = 1 AND problem LIKE '%小额信贷%'");
  await insert(
    "INSERT INTO rectification_items (inquiry_id, number, problem, lead_department_id, deadline, original_deadline, created_at, updated_at) VALUES (?, 1, ?, ?, '2023-12-31', '2023-12-31', ?, ?)",
    [inquiryId, "扶贫小额信贷逾期风险化解不力，信贷资金用途监管不严。", lead, now(), now()],
  );

  await login(page, "staff");
  await page.goto("/insight/recurring");
  await expect(page.getByRole("heading", { name: "反复出现的问题", level: 1 })).toBeVisible();
  const group = page.getByTestId("recurring-group").filter({ has: page.getByRole("link", { name: title }) });
  await expect(group).toHaveCount(1);
  await expect(group.getByText(/在 \d+ 次专题询问中提出/)).toBeVisible();
  await expect(group.getByTestId("recurring-member").filter({ hasText: "2020" }).first()).toBeVisible();
  await group.getByRole("button", { name: "确认为同一问题" }).click();
  await expect(page.getByTestId("recurring-group").filter({ has: page.getByRole("link", { name: title }) }).getByText("已确认", { exact: true }).first()).toBeVisible();
  expect((await queryAll("SELECT 1 FROM audit_log WHERE action = 'recurring.confirm'")).length).toBeGreaterThan(0);

  // the department page lists it for the lead department
  await page.goto(`/insight/departments/${lead}`);
  await expect(page.getByTestId("department-recurring-summary")).toContainText("组");
  await expect(page.getByRole("link", { name: title })).toBeVisible();

  const county = await browser.newContext();
  const countyPage = await county.newPage();
  await login(countyPage, "county");
  const refused = await countyPage.goto("/insight/recurring");
  expect(refused?.status()).toBe(403);
  await county.close();
});

test("the gap list flags 正在核实。 and a missing answer; the live entry marks the current question's gap", async ({ page, browser }) => {
  const title = unique("答复缺口测试询问");
  const inquiryId = await makeInquiry(title, "2030-06-20", "outline");
  const health = await orgId("市卫生健康委员会");
  const education = await orgId("市教育局");
  const kw = await insert("INSERT INTO outline_keywords (inquiry_id, keyword, position, created_at, updated_at) VALUES (?, '健康扶贫', 1, ?, ?)", [inquiryId, now(), now()]);
  const q1Text = "建档立卡贫困人口家庭医生签约服务覆盖率是多少？";
  const q2Text = "控辍保学动态监测机制如何完善？";
  const q1 = await insert("INSERT INTO outline_questions (inquiry_id, keyword_id, text, department_id, questioner_name, questioner_role, position, created_at, updated_at) VALUES (?, ?, ?, ?, '马爱国', '市人大常委会委员', 1, ?, ?)", [inquiryId, kw, q1Text, health, now(), now()]);
  const q2 = await insert("INSERT INTO outline_questions (inquiry_id, keyword_id, text, department_id, questioner_name, questioner_role, position, created_at, updated_at) VALUES (?, ?, ?, ?, '马爱国', '市人大常委会委员', 2, ?, ?)", [inquiryId, kw, q2Text, education, now(), now()]);
  const question = (id: number, text: string, departmentId: number, departmentName: string) => ({ id, text, departmentId, departmentName, questionerUserId: null, questionerName: "马爱国", questionerRole: "市人大常委会委员", sources: [] });
  const snapshot = { keywords: [{ id: kw, keyword: "健康扶贫", headline: "", questions: [question(q1, q1Text, health, "市卫生健康委员会"), question(q2, q2Text, education, "市教育局")] }] };
  const version = await insert("INSERT INTO outline_versions (inquiry_id, number, status, snapshot_json, submitted_at, issued_at) VALUES (?, 1, 'approved', ?, ?, ?)", [inquiryId, JSON.stringify(snapshot), now(), now()]);
  await execute("UPDATE inquiries SET outline_issued_version_id = ?, outline_status = 'issued' WHERE id = ?", [version, inquiryId]);
  await insert(
    "INSERT INTO preparation_answers (question_id, inquiry_id, department_id, answer_text, status, submitted_at, created_at, updated_at) VALUES (?, ?, ?, '正在核实。', 'submitted', ?, ?, ?)",
    [q1, inquiryId, health, now(), now(), now()],
  );

  await login(page, "staff");
  await page.goto(`/inquiries/${inquiryId}/outline`);
  // drafting: the question resembles the demo's 2020 item on 签约服务; it is suggested with its outcome
  const similar = page.getByTestId(`question-${q1}`).getByTestId("similar-earlier");
  await similar.locator("summary").click();
  await expect(similar).toContainText("2020年");
  await expect(similar).toContainText("结果：");
  await page.getByRole("link", { name: "查看答复缺口" }).click();
  await expect(page.getByRole("heading", { name: "书面准备答复缺口" })).toBeVisible();
  const row1 = page.getByTestId(`gap-${q1}`);
  await expect(row1.getByText("答复过简")).toBeVisible();
  await expect(row1).toContainText("正在核实");
  await expect(page.getByTestId(`gap-${q2}`).getByText("未答复")).toBeVisible();

  // members of the inquiry read it too; a department does not
  const dept = await browser.newContext();
  const deptPage = await dept.newPage();
  await login(deptPage, "health");
  expect((await deptPage.goto(`/inquiries/${inquiryId}/gaps`))?.status()).toBe(403);
  await dept.close();

  // the live meeting: set up, and the entry form shows the proposed question's gap
  await insert("INSERT INTO meetings (inquiry_id, meeting_date, created_at, updated_at) VALUES (?, '2030-06-20', ?, ?)", [inquiryId, now(), now()]);
  await execute("UPDATE inquiries SET stage = 'meeting' WHERE id = ?", [inquiryId]);
  await page.goto(`/inquiries/${inquiryId}/meeting`);
  await expect(page.getByTestId("entry-form")).toBeVisible();
  await expect(page.getByTestId("entry-gap")).toContainText("答复过简");
  await page.locator("#mt-pick").selectOption(String(q2));
  await expect(page.getByTestId("entry-gap")).toContainText("未答复");
});

test("publishing the digest is refused until every personal-data hit is reviewed; the public page masks them", async ({ page }) => {
  const title = unique("个人信息检查询问");
  const inquiryId = await makeInquiry(title, "2024-05-10", "meeting");
  const health = await orgId("市卫生健康委员会");
  const id = syntheticId("41082319750612301");
  const meetingId = await insert("INSERT INTO meetings (inquiry_id, meeting_date, created_at, updated_at) VALUES (?, '2024-05-10', ?, ?)", [inquiryId, now(), now()]);
  const segment = await insert(
    "INSERT INTO meeting_segments (meeting_id, inquiry_id, kind, position, keyword, questioner_name, questioner_role, department_id, created_at, updated_at) VALUES (?, ?, 'exchange', 1, '健康扶贫', '马爱国', '市人大常委会委员', ?, ?, ?)",
    [meetingId, inquiryId, health, now(), now()],
  );
  const body = `经核实，贫困户王小红（身份证号${id}，联系电话13800138000）已纳入大病专项救治。`;
  await insert("INSERT INTO meeting_turns (segment_id, position, kind, speaker_name, speaker_title, body_text, body_html, created_at, updated_at) VALUES (?, 1, 'question', '马爱国', '市人大常委会委员', '救治情况如何？', '<p>救治情况如何？</p>', ?, ?)", [segment, now(), now()]);
  await insert("INSERT INTO meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_text, body_html, created_at, updated_at) VALUES (?, 2, 'answer', '杨吉喜', '主任', ?, ?, ?, ?, ?)", [segment, health, body, `<p>${body}</p>`, now(), now()]);

  await login(page, "staff");
  await page.goto(`/inquiries/${inquiryId}/digest`);
  await expect(page.getByTestId("pii-notice")).toContainText("尚有 3 处未审查");
  await page.getByRole("button", { name: "公开发布" }).click();
  await expect(page.getByRole("alert")).toContainText("不能发布");
  await expect(page.getByTestId("digest-status")).toHaveText("未发布");

  await page.getByRole("link", { name: "发布前个人信息审查" }).first().click();
  await expect(page.getByTestId("pii-hit")).toHaveCount(3);
  await expect(page.getByTestId("pii-hits")).toContainText(id);
  // the phone number is the reviewer's call: marked not personal; the name replaced; the rest in one step
  await page.getByTestId("pii-hit").filter({ hasText: "手机号码" }).getByRole("button", { name: "非个人信息" }).click();
  await expect(page.getByTestId("pii-open")).toHaveText("尚有 2 处未审查");
  await page.getByTestId("pii-hit").filter({ hasText: "姓名" }).getByRole("button", { name: /^替换/ }).click();
  await expect(page.getByTestId("pii-open")).toHaveText("尚有 1 处未审查");
  await page.getByTestId("pii-hit").filter({ hasText: "身份证号" }).getByRole("button", { name: /^替换/ }).click();
  await expect(page.getByTestId("pii-open")).toHaveText("已全部审查，可以发布");

  await page.goto(`/inquiries/${inquiryId}/digest`);
  await page.getByRole("button", { name: "公开发布" }).click();
  await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
  await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/digest`));
  await expect(page.getByTestId("digest-status")).toContainText("已公开发布");

  const anonymous = await page.context().browser()!.newContext();
  const pub = await anonymous.newPage();
  await pub.goto(`/public/inquiries/${inquiryId}`);
  await expect(pub.getByText("贫困户王某")).toBeVisible();
  const text = await pub.locator("body").innerText();
  expect(text).not.toContain(id);
  expect(text).not.toContain("王小红");
  expect(text).toContain("13800138000");
  await anonymous.close();
});

test("staff download the annual report; a member is refused", async ({ page, browser }) => {
  await login(page, "staff");
  await page.goto("/insight/annual?year=2020");
  await expect(page.getByRole("heading", { name: /2020年度专题询问工作报告/ })).toBeVisible();
  await expect(page.getByTestId("annual-totals")).toContainText("开展专题询问");
  await expect(page.getByTestId("annual-chart-items").locator("svg")).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByTestId("annual-docx").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/2020年度专题询问工作报告\.docx$/);
  const path = await file.path();
  expect(path).toBeTruthy();

  const member = await browser.newContext();
  const memberPage = await member.newPage();
  await login(memberPage, "member");
  expect((await memberPage.goto("/insight/annual"))?.status()).toBe(403);
  expect((await memberPage.goto("/insight/annual.docx?year=2020"))?.status()).toBe(403);
  await member.close();
});
