import { expect, test, type Page } from "@playwright/test";
import { makeInquiry, makeMeeting, signedIn, unique } from "./fixtures";

/**
 * Live updates (issue 18, app/live): two people, two browser contexts, two minted sessions. What one does appears
 * on the other's open page without a reload — the meeting record as staff enter it, a vote's turnout as members
 * vote, and the staff queue as work arrives — through the page's server-sent event stream. The streams answer
 * 403 to whoever may not open the page they feed.
 *
 * Each test makes its own inquiry (other specs run at the same time). A page counts as "not reloaded" while a
 * marker set on its window survives.
 */

/** Waits until the page's event stream is open, then marks the document (a reload would lose the mark). */
async function watchLive(page: Page) {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "open");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}

test("an exchange staff enter appears on a member's open meeting record without a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const inquiry = await makeInquiry({ title: unique("实时记录专题询问"), stage: "meeting", departments: ["市卫生健康委员会"] });
  await makeMeeting(inquiry.id, { exchanges: [{ keyword: "基层医疗", question: "第一个问题：乡镇卫生院如何建设？", department: "市卫生健康委员会", answer: "第一个回答" }] });
  const question = unique("第二个问题：家庭医生如何签约");

  const member = await signedIn(browser, "member");
  await member.goto(`/inquiries/${inquiry.id}/meeting`);
  await expect(member.getByTestId("segment")).toHaveCount(1);
  await watchLive(member);

  const staff = await signedIn(browser, "staff");
  await staff.goto(`/inquiries/${inquiry.id}/meeting`);
  await staff.locator("#mt-questionerName").fill("赵朝阳");
  await staff.locator("#mt-question").fill(question);
  await staff.getByTestId("save-exchange").click();
  await expect(staff.getByTestId("segment")).toHaveCount(2);

  await expect(member.getByTestId("segment")).toHaveCount(2);
  await expect(member.getByTestId("segment").nth(1)).toContainText(question);
  await expectSameDocument(member);
  await member.context().close();
  await staff.context().close();
});

test("a vote's turnout grows on the staff screen as a member votes, without a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const inquiry = await makeInquiry({ title: unique("实时测评专题询问"), stage: "meeting", departments: ["市卫生健康委员会"] });
  const { segments } = await makeMeeting(inquiry.id, { exchanges: [{ keyword: unique("家庭医生"), question: "签约服务质量如何保证？", department: "市卫生健康委员会", answer: "建立履约考核机制。" }] });

  const staff = await signedIn(browser, "staff");
  await staff.goto(`/inquiries/${inquiry.id}/meeting/segments/${segments[0]}`);
  await staff.getByRole("button", { name: /对本项答复发起无记名测评/ }).click();
  await expect(staff).toHaveURL(/\/votes\/\d+$/);
  const voteUrl = new URL(staff.url()).pathname;
  await expect(staff.getByTestId("turnout-voted")).toHaveText("0");
  await watchLive(staff);

  const member = await signedIn(browser, "member");
  await member.goto(voteUrl);
  await expect(member.getByTestId("turnout-voted")).toHaveText("0");
  await member.getByRole("button", { name: "满意", exact: true }).click();
  await expect(member.getByTestId("my-choice")).toContainText("您已投票");

  await expect(staff.getByTestId("turnout-voted")).toHaveText("1");
  await expect(staff.getByTestId("turnout-present")).not.toHaveText("0");
  // the roll on the staff screen marks the member as having voted, and still no counts while open
  await expect(staff.getByTestId("attendance")).toContainText("已投票");
  await expect(staff.getByTestId("vote-results")).toHaveCount(0);
  await expectSameDocument(staff);
  await member.context().close();
  await staff.context().close();
});

test("a member's question proposal appears in the staff queue while it is open, without a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const inquiry = await makeInquiry({ title: unique("实时待办专题询问"), stage: "outline", departments: ["市教育局"] });
  const proposal = unique("建议询问：乡村教师如何留得住");

  const staff = await signedIn(browser, "staff");
  // this inquiry's proposals only: other specs add to the same queue at the same time
  await staff.goto(`/queue?kind=proposal&inquiry=${inquiry.id}`);
  await expect(staff.getByTestId("queue-total")).toHaveText("共 0 项");
  await watchLive(staff);

  const member = await signedIn(browser, "member");
  await member.goto(`/inquiries/${inquiry.id}/outline/propose`);
  await member.getByLabel("建议询问的问题").fill(proposal);
  await member.getByLabel("建议关键词").fill("教育扶贫");
  await member.getByLabel("建议应询部门").selectOption({ label: "市教育局" });
  await member.getByRole("button", { name: "提交问题建议" }).click();
  await expect(member.getByTestId("my-proposals")).toContainText(proposal);

  await expect(staff.getByTestId("queue-total")).toHaveText("共 1 项");
  await expect(staff.getByTestId("queue")).toContainText(proposal.slice(0, 20));
  await expectSameDocument(staff);
  await member.context().close();
  await staff.context().close();
});

test("the event streams refuse whoever may not open the page they feed (403)", async ({ browser }) => {
  const inquiry = await makeInquiry({ title: unique("实时权限专题询问"), stage: "meeting", departments: ["市卫生健康委员会"] });
  const { segments } = await makeMeeting(inquiry.id, { exchanges: [{ keyword: "基层医疗", question: "问题", department: "市卫生健康委员会", answer: "回答" }] });
  const staff = await signedIn(browser, "staff");
  await staff.goto(`/inquiries/${inquiry.id}/meeting/segments/${segments[0]}`);
  await staff.getByRole("button", { name: /对本项答复发起无记名测评/ }).click();
  await expect(staff).toHaveURL(/\/votes\/\d+$/);
  const voteUrl = new URL(staff.url()).pathname;
  await staff.context().close();

  // a department: not the full record, not a vote; a member: not the staff queue
  const department = await signedIn(browser, "health");
  expect((await department.request.get(`/inquiries/${inquiry.id}/meeting`)).status()).toBe(403);
  expect((await department.request.get(`/inquiries/${inquiry.id}/meeting/events`, { headers: { Accept: "text/event-stream" } })).status()).toBe(403);
  expect((await department.request.get(`${voteUrl}/events`, { headers: { Accept: "text/event-stream" } })).status()).toBe(403);
  expect((await department.request.get("/queue/events", { headers: { Accept: "text/event-stream" } })).status()).toBe(403);
  await department.context().close();
  const member = await signedIn(browser, "member");
  expect((await member.request.get("/queue/events", { headers: { Accept: "text/event-stream" } })).status()).toBe(403);
  await member.context().close();
  // without a session: to the sign-in page, never a stream
  const anonymous = await browser.newContext();
  const response = await anonymous.request.get(`/inquiries/${inquiry.id}/meeting/events`, { maxRedirects: 0 });
  expect(response.status()).toBe(302);
  await anonymous.close();
});
