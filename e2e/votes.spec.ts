import { expect, test, type Page } from "@playwright/test";
import { insert, login, queryAll, signedIn, unique } from "./fixtures";

/**
 * 满意度测评 as committees take it (issue 14): staff open a vote; a member's phone page, already open, shows it
 * without reloading; the member votes; staff's turnout grows without reloading; no tally until the vote closes;
 * the result against the roll; totals from the 表决器 / paper confirmed by a second staff account.
 *
 * Each test makes its own inquiry, meeting and exchanges (other specs run at the same time).
 */

async function makeMeeting(): Promise<{ inquiryId: number; keywords: [string, string]; segments: [number, number] }> {
  const now = new Date().toISOString();
  const title = unique("测评专题询问");
  const inquiryId = await insert(
    "insert into inquiries (title, congress, stage, plan_status, meeting_date, created_at, updated_at) values (?, '焦作市人大常委会', 'meeting', 'approved', ?, ?, ?)",
    [title, now.slice(0, 10), now, now],
  );
  const [health] = await queryAll<{ id: number }>("select id from organizations where name = '市卫生健康委员会'");
  await insert("insert into inquiry_organizations (inquiry_id, organization_id) values (?, ?)", [inquiryId, health.id]);
  const meetingId = await insert(
    "insert into meetings (inquiry_id, meeting_date, vote_mode, vote_secret, created_at, updated_at) values (?, ?, 'answer', 1, ?, ?)",
    [inquiryId, now.slice(0, 10), now, now],
  );
  const keywords: [string, string] = [unique("基层医疗"), unique("家庭医生")];
  const segments: number[] = [];
  for (const [i, keyword] of keywords.entries()) {
    const segmentId = await insert(
      "insert into meeting_segments (meeting_id, inquiry_id, kind, position, keyword, headline, questioner_name, questioner_role, department_id, created_at, updated_at) values (?, ?, 'exchange', ?, ?, '让群众看得起病', '马爱国', '市人大常委会委员', ?, ?, ?)",
      [meetingId, inquiryId, i + 1, keyword, health.id, now, now],
    );
    await insert(
      "insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_text, created_at, updated_at) values (?, 1, 'question', '马爱国', '市人大常委会委员', null, '请问如何解决？', ?, ?)",
      [segmentId, now, now],
    );
    await insert(
      "insert into meeting_turns (segment_id, position, kind, speaker_name, speaker_title, organization_id, body_text, created_at, updated_at) values (?, 2, 'answer', '杨吉喜', '主任', ?, '我们将……', ?, ?)",
      [segmentId, health.id, now, now],
    );
    segments.push(segmentId);
  }
  return { inquiryId, keywords, segments: segments as [number, number] };
}

async function openVoteFor(staff: Page, inquiryId: number, exchangeNumber: number, method: "网上投票" | "表决器或纸质表决") {
  await staff.goto(`/inquiries/${inquiryId}/meeting/votes`);
  await staff.getByLabel(`第 ${exchangeNumber} 轮答复的表决方式`).selectOption({ label: method });
  await staff.getByRole("button", { name: `对第 ${exchangeNumber} 轮答复发起测评` }).click();
  await expect(staff).toHaveURL(/\/votes\/\d+$/);
  return new URL(staff.url()).pathname;
}

test("an online secret vote: live on the member's phone and the staff screen, no tally until closed, result against the roll", async ({ browser }) => {
  test.setTimeout(120_000);
  const { inquiryId, keywords } = await makeMeeting();
  const staff = await signedIn(browser, "staff");

  // the inquiry counts 满意 + 基本满意 against the ballots cast (so the figures here do not depend on how many
  // member accounts other specs have made)
  await staff.goto(`/inquiries/${inquiryId}/meeting/votes`);
  await expect(staff.getByTestId("vote-rule")).toHaveText("满意和基本满意票超过全体组成人员（应到人数）的半数为通过");
  await staff.getByLabel("计算基数").selectOption({ label: "参加表决人数" });
  await staff.getByRole("button", { name: "保存测评规则" }).click();
  await expect(staff.getByTestId("vote-rule")).toHaveText("满意和基本满意票超过参加表决人数的半数为通过");

  // the member's phone page is already open before the vote starts
  const member = await signedIn(browser, "member");
  await member.setViewportSize({ width: 390, height: 844 });
  await member.goto("/votes");
  await expect(member.getByRole("heading", { name: "满意度测评" })).toBeVisible();
  await expect(member.getByText(keywords[0])).toHaveCount(0);
  await member.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const voteUrl = await openVoteFor(staff, inquiryId, 1, "网上投票");
  await expect(staff.getByTestId("turnout-voted")).toHaveText("0");
  const eligible = Number(await staff.getByTestId("turnout-eligible").textContent());
  expect(eligible).toBeGreaterThanOrEqual(1);
  // the QR code that opens the ballot page
  await expect(staff.getByTestId("vote-qr")).toBeVisible();
  const qr = await staff.request.get(`${voteUrl}/qr.svg`);
  expect(qr.status()).toBe(200);
  expect(qr.headers()["content-type"]).toContain("image/svg+xml");
  expect(await qr.text()).toContain("<svg");
  await staff.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  // the vote appears on the phone without a reload (the same document is still loaded)
  const card = member.getByTestId("open-votes").getByRole("link", { name: new RegExp(keywords[0]) });
  await expect(card).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText("待投票");
  expect(await member.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await card.click();
  await expect(member).toHaveURL(new RegExp(`${voteUrl}$`));
  // the ballot names the department, the official and the keyword
  await expect(member.getByTestId("vote-subject")).toContainText("市卫生健康委员会");
  await expect(member.getByTestId("vote-subject")).toContainText("主任杨吉喜");
  await expect(member.getByTestId("vote-subject")).toContainText(keywords[0]);
  await expect(member.getByTestId("vote-results")).toHaveCount(0);
  await member.getByRole("button", { name: "满意", exact: true }).click();
  await expect(member.getByTestId("my-choice")).toContainText("您已投票");
  await expect(member.getByTestId("vote-results")).toHaveCount(0); // voters never see counts while open
  await expect(member.locator("body")).not.toContainText("满意 1");

  // bad input: a second ballot, a forged member id — refused in Chinese, nothing counted twice
  const second = await member.request.post(voteUrl, { form: { intent: "ballot", choice: "unsatisfied" }, maxRedirects: 0 });
  expect(second.status()).toBe(400);
  expect(await second.text()).toContain("您已经投过票");
  const forged = await member.request.post(voteUrl, { form: { intent: "ballot", choice: "unsatisfied", memberId: "1" }, maxRedirects: 0 });
  expect(forged.status()).toBe(400);
  // only staff close votes or enter totals
  for (const intent of ["close", "totals", "confirm", "attendance"]) {
    expect((await member.request.post(voteUrl, { form: { intent, version: "1" }, maxRedirects: 0 })).status()).toBe(403);
  }
  const health = await signedIn(browser, "health");
  expect((await health.goto(voteUrl))?.status()).toBe(403);

  // staff's turnout grows on the same page, without a reload; still no counts
  await expect(staff.getByTestId("turnout-voted")).toHaveText("1", { timeout: 20_000 });
  expect(await staff.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(staff.getByTestId("vote-results")).toHaveCount(0);

  staff.once("dialog", (d) => void d.accept());
  await staff.getByRole("button", { name: "结束测评并公布结果" }).click();
  await expect(staff.getByTestId("vote-status")).toHaveText("测评已结束");
  await expect(staff.getByTestId("vote-result")).toContainText("通过");
  await expect(staff.getByTestId("result-eligible")).toHaveText(String(eligible));
  await expect(staff.getByTestId("vote-total")).toHaveText("1");
  await expect(staff.getByTestId("result-approval")).toHaveText("1");
  await expect(staff.getByTestId("count-satisfied")).toContainText("1");
  await expect(staff.getByTestId("vote-results")).not.toContainText("马爱国"); // secret
  // the member's page, still open, shows the published result
  await expect(member.getByTestId("vote-result")).toContainText("通过", { timeout: 20_000 });
  const late = await member.request.post(voteUrl, { form: { intent: "ballot", choice: "abstain" }, maxRedirects: 0 });
  expect(late.status()).toBe(400);
});

test("totals from the voting machine: checked against the roll, confirmed by a second staff account, then a failed vote asks for a re-report", async ({ browser }) => {
  test.setTimeout(120_000);
  const { inquiryId, keywords } = await makeMeeting();
  const staff = await signedIn(browser, "staff");
  const voteUrl = await openVoteFor(staff, inquiryId, 2, "表决器或纸质表决");
  await expect(staff.getByTestId("vote-subject")).toContainText(keywords[1]);
  const eligible = Number(await staff.getByTestId("turnout-eligible").textContent());
  const totals = staff.getByTestId("entered-totals");

  // staff mark attendance on the vote's roll: 马爱国 absent
  await expect(staff.getByTestId("turnout-present")).toHaveText(String(eligible));
  await staff.getByTestId("attendance").getByRole("checkbox", { name: /马爱国/ }).uncheck();
  await staff.getByRole("button", { name: "登记出席情况" }).click();
  await expect(staff.getByTestId("turnout-present")).toHaveText(String(eligible - 1));
  await expect(staff.getByTestId("attendance").getByRole("checkbox", { name: /马爱国/ })).not.toBeChecked();

  // more present than on the roll: refused next to the field, the input kept
  await totals.getByLabel(/实到人数/).fill(String(eligible + 5));
  await totals.getByLabel("不满意票数").fill("1");
  await totals.getByRole("button", { name: "录入结果" }).click();
  await expect(totals.locator("#f-totals-presentCount ~ .field-error")).toHaveText(`实到人数（${eligible + 5}）不能超过应到人数（${eligible}）`);
  await expect(totals.getByLabel("不满意票数")).toHaveValue("1");
  // more votes than present: refused
  await totals.getByLabel(/实到人数/).fill("1");
  await totals.getByLabel("满意票数", { exact: true }).fill("3");
  await totals.getByRole("button", { name: "录入结果" }).click();
  await expect(totals.getByRole("alert")).toContainText("超过实到人数 1 人");
  expect(await queryAll("select * from vote_entries where vote_id = ?", [Number(voteUrl.split("/").pop())])).toEqual([]);

  await totals.getByLabel("满意票数", { exact: true }).fill("0");
  await totals.getByLabel("基本满意票数").fill("0");
  await totals.getByLabel("弃权票数").fill("0");
  await totals.getByRole("button", { name: "录入结果" }).click();
  await expect(staff.getByTestId("entry-state")).toContainText("待另一名工作人员确认");
  // the one who entered cannot confirm, nor close before confirmation
  await expect(totals.getByRole("button", { name: "核对无误，确认结果" })).toHaveCount(0);
  const version = await staff.locator('form:has(input[name="intent"][value="close"]) input[name="version"]').inputValue();
  const self = await staff.request.post(voteUrl, { form: { intent: "confirm", version }, maxRedirects: 0 });
  expect(self.status()).toBe(400);
  expect(await self.text()).toContain("录入人不能确认自己录入的结果");
  staff.once("dialog", (d) => void d.accept());
  await staff.getByRole("button", { name: "结束测评并公布结果" }).click();
  await expect(staff.getByRole("alert").filter({ hasText: "尚未经另一名工作人员确认" })).toBeVisible();

  // a second staff account (the administrator) confirms; then the vote closes
  const admin = await signedIn(browser, "admin");
  await admin.goto(voteUrl);
  await admin.getByRole("button", { name: "核对无误，确认结果" }).click();
  // the confirmation itself (the entry line read "已由 刘静 … 录入" before it): closing before the confirmation
  // has landed posts a stale version
  await expect(admin.getByTestId("entry-state").locator("strong")).toContainText("确认");
  admin.once("dialog", (d) => void d.accept());
  await admin.getByRole("button", { name: "结束测评并公布结果" }).click();
  await expect(admin.getByTestId("vote-result")).toContainText("未通过");
  await expect(admin.getByTestId("count-unsatisfied")).toContainText("1");
  await expect(admin.getByTestId("vote-followup")).toContainText("重新报告");
  await admin.getByLabel("重新报告的办理情况").fill("已要求市卫生健康委员会于下月底前重新报告");
  await admin.getByRole("button", { name: "登记已办理" }).click();
  await expect(admin.getByTestId("vote-followup")).toContainText("已办理");
  // the meeting's list shows the result
  await admin.goto(`/inquiries/${inquiryId}/meeting/votes`);
  await expect(admin.getByTestId("votes")).toContainText("未通过");
});

test("without JavaScript the member's list reloads itself, shows the new vote, and the ballot is a plain form", async ({ browser }) => {
  test.setTimeout(120_000);
  const { inquiryId, keywords } = await makeMeeting();
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const member = await context.newPage();
  await login(member, "member");
  await member.goto("/votes");
  await expect(member.getByText(keywords[0])).toHaveCount(0);

  const staff = await signedIn(browser, "staff");
  const voteUrl = await openVoteFor(staff, inquiryId, 1, "网上投票");
  // the <noscript> refresh brings the vote in (every 10 s)
  const card = member.getByTestId("open-votes").getByRole("link", { name: new RegExp(keywords[0]) });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.click();
  await expect(member).toHaveURL(new RegExp(`${voteUrl}$`));
  await member.getByRole("button", { name: "基本满意" }).click();
  await expect(member.getByTestId("my-choice")).toContainText("您已投票");
  await staff.reload();
  await expect(staff.getByTestId("turnout-voted")).toHaveText("1");
  await context.close();
});
