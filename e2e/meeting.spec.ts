import { expect, test, type Page } from "@playwright/test";
import JSZip from "jszip";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { insert, login, makeInquiry, makeMeeting, shanghaiDate, signedIn, unique } from "./fixtures";

/**
 * 询问会 and 摘要 in the browser: the live record entered from the keyboard with drafts that survive a reload
 * and a dropped network, satisfaction votes, a department's transcript and its correction, written replies,
 * and the digest published to anyone (and withdrawn), on the page and as a Word document.
 */
interface Fixture {
  closingHeadline: string;
  topics: { keyword: string; headline: string; exchanges: { questioner: { role: string; name: string }; question: string; responder: { organization: string; title: string; name: string } }[] }[];
}
const fixture: Fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../db/seed/jiaozuo-2020-poverty-inquiry.json", import.meta.url)), "utf8"));
const allExchanges = fixture.topics.flatMap((t) => t.exchanges);

test.describe("the published demo digest", () => {
  test("a browser without a session reads all 12 keywords and 16 exchanges at /public/inquiries/1", async ({ page }) => {
    await page.goto("/public");
    await expect(page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "公开信息" })).toBeVisible();
    await expect(page.getByTestId("public-digests").getByRole("link", { name: "全市脱贫攻坚工作专题询问" })).toBeVisible();
    await page.getByTestId("public-digests").getByRole("link", { name: "全市脱贫攻坚工作专题询问" }).click();
    await expect(page).toHaveURL(/\/public\/inquiries\/1$/);
    await expect(page.getByTestId("digest-title")).toHaveText(fixture.closingHeadline);
    await expect(page.getByTestId("digest-keyword")).toHaveText(fixture.topics.map((t) => t.keyword));
    await expect(page.getByTestId("digest-headline")).toHaveText(fixture.topics.map((t) => t.headline));
    const exchanges = page.getByTestId("digest-exchange");
    await expect(exchanges).toHaveCount(16);
    for (const [i, e] of allExchanges.entries()) {
      const item = exchanges.nth(i);
      await expect(item).toContainText(`${e.questioner.role}${e.questioner.name}询问：${e.question.slice(0, 15)}`);
      await expect(item).toContainText(`${e.responder.organization}${e.responder.title}${e.responder.name}应询：`);
    }
    await expect(page.getByRole("button", { name: "打印" })).toBeVisible();
  });

  test("the Word digest, read back, holds the 12 keywords and the 16 exchanges", async ({ request }) => {
    const response = await request.get("/inquiries/1/digest.docx");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("wordprocessingml");
    const zip = await JSZip.loadAsync(await response.body());
    const xml = await zip.file("word/document.xml")!.async("string");
    expect(xml).toContain(fixture.closingHeadline);
    for (const t of fixture.topics) {
      expect(xml).toContain(`关键词：${t.keyword}`);
      expect(xml).toContain(t.headline);
    }
    expect(xml.match(/询问：/g) ?? []).toHaveLength(16);
    for (const e of allExchanges) {
      expect(xml).toContain(`${e.questioner.role}${e.questioner.name}询问：`);
      expect(xml).toContain(e.question.slice(0, 20));
    }
  });

  test("a department can neither open nor change the full record of the demo meeting", async ({ page }) => {
    await login(page, "health");
    let response = await page.goto("/inquiries/1/meeting");
    expect(response?.status()).toBe(403);
    response = await page.goto("/inquiries/1/meeting/votes");
    expect(response?.status()).toBe(403);
    const posted = await page.request.post("/inquiries/1/meeting", { form: { intent: "move", segmentId: "1", direction: "down" }, maxRedirects: 0 });
    expect(posted.status()).toBe(403);
  });
});

/**
 * The live record, one test per step of a meeting's life. Each test after the first starts from a meeting written
 * into the database as the entry page leaves it (makeMeeting), so one failure skips nothing and the steps spread
 * over both workers.
 */
test.describe("a meeting recorded live", () => {
  const today = shanghaiDate(0);
  const question = "我市在提高基层医疗服务能力方面采取了哪些措施？";
  const answer = "一是加强乡镇卫生院标准化建设；二是推进家庭医生签约服务。";
  const followUp = "家庭医生签约后如何保证服务质量？";
  const followAnswer = "建立履约考核机制，群众满意度纳入考核。";

  /** An inquiry whose meeting holds two exchanges answered by the health commission's 杨吉喜. */
  async function recordedMeeting(): Promise<{ inquiryId: number; title: string; segmentId: number; healthOrgId: number }> {
    const inquiry = await makeInquiry({ title: unique("医疗保障专题询问"), stage: "meeting", departments: ["市卫生健康委员会", "市教育局"] });
    const { segments, departmentIds } = await makeMeeting(inquiry.id, {
      date: today,
      voteMode: "answer",
      exchanges: [
        { keyword: "基层医疗", headline: "让群众在家门口看好病", question, department: "市卫生健康委员会", answer },
        { keyword: "基层医疗", questioner: ["赵朝阳", "市人大常委会委员"], question: "第二个问题", department: "市卫生健康委员会", answer: "第二个回答" },
      ],
    });
    return { inquiryId: inquiry.id, title: inquiry.title, segmentId: segments[0], healthOrgId: departmentIds["市卫生健康委员会"] };
  }

  test("staff set up the meeting and record an exchange with a follow-up from the keyboard; drafts survive a reload and a dropped network", async ({ page, context }) => {
    test.setTimeout(150_000);
    // registered and its plan approved (both through the pages in inquiries.spec.ts)
    const { id: inquiryId } = await makeInquiry({ title: unique("医疗保障专题询问"), stage: "outline", meetingDate: today, departments: ["市卫生健康委员会", "市教育局"] });
    await login(page, "staff");

    await page.goto(`/inquiries/${inquiryId}/meeting`);
    const setup = page.getByTestId("setup-form");
    await setup.getByLabel("会议日期").fill(today);
    await setup.getByLabel("会议地点").fill("第一会议室");
    await setup.getByLabel("满意度测评").selectOption("answer");
    await setup.getByRole("button", { name: "设置询问会" }).click();
    await expect(page.getByTestId("meeting-date")).toBeVisible();
    await page.getByText("修改会议设置、添加应询人员").click();
    const official = page.locator("form", { has: page.locator('input[name="officialName"]') });
    await official.getByLabel("所在单位").selectOption({ label: "市卫生健康委员会" });
    await official.getByLabel("姓名").fill("杨吉喜");
    await official.getByLabel("职务").fill("主任");
    await official.getByRole("button", { name: "添加应询人员" }).click();
    await expect(page.getByTestId("officials")).toContainText("杨吉喜");

    // the shortcuts are on the page; no outline yet, so the form starts as 现场提问
    await expect(page.getByTestId("shortcuts")).toContainText("Ctrl+Enter");
    await expect(page.getByTestId("entry-mode")).toHaveText("现场提问");
    await page.keyboard.press("Alt+KeyQ");
    await expect(page.locator("#mt-questionerName")).toBeFocused();
    await page.keyboard.type("马爱国");
    await expect(page.locator("#mt-questionerRole")).toHaveValue("市人大常委会委员"); // known member: role filled in
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.type("基层医疗");
    await page.keyboard.press("Tab");
    await page.keyboard.type("让群众在家门口看好病");
    await page.keyboard.press("Alt+ArrowDown");
    await expect(page.locator("#mt-question")).toBeFocused();
    await page.keyboard.type(question);
    await expect(page.locator("#mt-responderName")).toHaveValue("杨吉喜");
    await expect(page.getByTestId("draft-status")).toContainText("草稿已保存到服务器");

    // a reload mid-typing: the server draft comes back
    await page.reload();
    await expect(page.locator("#mt-question")).toHaveValue(question);
    await expect(page.locator("#mt-keyword")).toHaveValue("基层医疗");
    await expect(page.getByTestId("draft-status")).toContainText("已恢复");

    // a dropped network: what is typed is kept in the browser and restored in a new tab
    await context.setOffline(true);
    await page.keyboard.press("Alt+KeyA");
    await expect(page.locator("#mt-answer")).toBeFocused();
    await page.keyboard.type(answer);
    await expect(page.getByTestId("draft-status")).toContainText("网络中断");
    await page.close();
    await context.setOffline(false);
    const tab = await context.newPage();
    await tab.goto(`/inquiries/${inquiryId}/meeting`);
    await expect(tab.locator("#mt-answer")).toHaveValue(answer);
    await expect(tab.locator("#mt-question")).toHaveValue(question);
    // restored from this browser (and then saved), or — when the last draft request still reached the server
    // as the network dropped — from the server: either way nothing typed is lost
    await expect(tab.getByTestId("draft-status")).toContainText(/已从本机恢复|草稿已保存到服务器|已恢复上次未保存的草稿/);

    // follow-up and its answer, then save: all from the keyboard
    await tab.keyboard.press("Alt+KeyA");
    await expect(tab.locator("#mt-answer")).toBeFocused();
    await tab.keyboard.press("Alt+KeyF");
    await expect(tab.getByTestId("chain-row")).toHaveCount(2);
    await tab.keyboard.type(followUp);
    await tab.keyboard.press("Alt+ArrowDown");
    await tab.keyboard.type(followAnswer);
    await tab.keyboard.press("Control+Enter");
    await expect(tab.getByTestId("draft-status")).toContainText("本轮问答已保存");
    const segment = tab.getByTestId("segment").first();
    await expect(segment).toContainText(`市人大常委会委员马爱国询问：${question}`);
    await expect(segment).toContainText(`市卫生健康委员会主任杨吉喜应询：${answer}`);
    await expect(segment).toContainText(`马爱国追问：${followUp}`);
    await expect(segment).toContainText(`杨吉喜回答：${followAnswer}`);
    await expect(segment).toContainText("现场提问");
    // the form is empty again and stays empty after a reload (draft cleared on both sides)
    await expect(tab.locator("#mt-question")).toHaveValue("");
    await tab.reload();
    await expect(tab.locator("#mt-question")).toHaveValue("");
    await expect(tab.locator("#mt-answer")).toHaveValue("");
    await expect(tab.getByTestId("department-links").getByRole("link", { name: "市卫生健康委员会" })).toHaveAttribute("href", new RegExp(`/inquiries/${inquiryId}/meeting/departments/\\d+$`));

    // a second exchange by mouse, then reorder it above the first
    await tab.locator("#mt-questionerName").fill("赵朝阳");
    await tab.locator("#mt-question").fill("第二个问题");
    await tab.getByTestId("save-exchange").click();
    await expect(tab.getByTestId("segment")).toHaveCount(2);
    await tab.getByRole("button", { name: "第 2 条上移" }).click();
    await expect(tab.getByTestId("segment").first()).toContainText("第二个问题");
    await tab.getByRole("button", { name: "第 2 条上移" }).click();
    await expect(tab.getByTestId("segment").first()).toContainText(question);
  });

  test("members vote once each from a phone-sized page; the result appears only when staff close the vote", async ({ page, browser }) => {
    const { inquiryId, segmentId } = await recordedMeeting();
    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/meeting/segments/${segmentId}`);
    await page.getByRole("button", { name: /对本项答复发起无记名测评/ }).click();
    await expect(page).toHaveURL(/\/votes\/\d+$/);
    const voteUrl = new URL(page.url()).pathname;

    const member = await signedIn(browser, "member");
    await member.setViewportSize({ width: 390, height: 844 });
    // by its address: other specs may open votes at the same time
    await member.goto(voteUrl);
    await expect(member.getByTestId("vote-results")).toHaveCount(0);
    await member.getByRole("button", { name: "满意", exact: true }).click();
    await expect(member.getByTestId("my-choice")).toContainText("您已投票");
    await expect(member.getByTestId("vote-results")).toHaveCount(0); // no running tally
    // a second ballot is refused
    const again = await member.request.post(voteUrl, { form: { intent: "ballot", choice: "unsatisfied" }, maxRedirects: 0 });
    expect(again.status()).toBe(400);

    // staff see the turnout only (secret vote), then close it
    await page.reload();
    await expect(page.getByTestId("turnout-voted")).toHaveText("1");
    await expect(page.getByTestId("vote-results")).toHaveCount(0);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "结束测评并公布结果" }).click();
    await expect(page.getByTestId("vote-status")).toHaveText("测评已结束");
    await expect(page.getByTestId("count-satisfied")).toContainText("1");
    await expect(page.getByTestId("vote-results")).not.toContainText("马爱国");
    await member.reload();
    await expect(member.getByTestId("my-choice")).toContainText("测评已结束");
    const late = await member.request.post(voteUrl, { form: { intent: "ballot", choice: "abstain" }, maxRedirects: 0 });
    expect(late.status()).toBe(400);
    // a department cannot vote or read votes
    const health = await signedIn(browser, "health");
    expect((await health.goto(voteUrl))?.status()).toBe(403);
    expect((await health.request.post(voteUrl, { form: { intent: "ballot", choice: "satisfied" }, maxRedirects: 0 })).status()).toBe(403);
  });

  test("a department cannot edit the record; it proposes a correction to its answer, staff accept it, and another department cannot see the transcript", async ({ page, browser }) => {
    const { inquiryId, segmentId, healthOrgId } = await recordedMeeting();
    const health = await signedIn(browser, "health");
    expect((await health.goto(`/inquiries/${inquiryId}/meeting`))?.status()).toBe(403);
    expect((await health.goto(`/inquiries/${inquiryId}/meeting/segments/${segmentId}`))?.status()).toBe(403);
    for (const [path, form] of [
      [`/inquiries/${inquiryId}/meeting/entry`, { intent: "exchange", questionerName: "x", departmentId: String(healthOrgId), question: "篡改" }],
      [`/inquiries/${inquiryId}/meeting`, { intent: "move", segmentId: String(segmentId), direction: "down" }],
      [`/inquiries/${inquiryId}/meeting/segments/${segmentId}`, { intent: "delete", version: "1" }],
      [`/inquiries/${inquiryId}/digest`, { intent: "publish", version: "1" }],
    ] as const) {
      expect((await health.request.post(path, { form, maxRedirects: 0 })).status(), path).toBe(403);
    }

    const education = await signedIn(browser, "education");
    const transcriptUrl = `/inquiries/${inquiryId}/meeting/departments/${healthOrgId}`;
    expect((await education.goto(transcriptUrl))?.status()).toBe(403);

    await health.goto(transcriptUrl);
    await expect(health.getByTestId("transcript-title")).toHaveText("市卫生健康委员会询问记录");
    await expect(health.getByTestId("correction-window")).toContainText("更正期限");
    await expect(health.getByTestId("segment")).toHaveCount(2); // both exchanges were addressed to it
    await health.getByText("对这段答复提出更正").first().click();
    const corrected = "一是加强乡镇卫生院和村卫生室标准化建设；二是推进家庭医生签约服务。";
    await health.getByLabel("更正后的文字").first().fill(corrected);
    await health.getByLabel("更正理由").first().fill("补充村卫生室");
    await health.getByRole("button", { name: "提交更正" }).click();
    await expect(health.getByTestId("correction")).toContainText("待审核");
    // the department cannot decide its own proposal
    const correctionId = "1";
    expect((await health.request.post(transcriptUrl, { form: { intent: "decide", correctionId, decision: "accept" }, maxRedirects: 0 })).status()).toBe(403);

    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/meeting`);
    await expect(page.getByTestId("pending-corrections")).toContainText("市卫生健康委员会");
    await page.goto(transcriptUrl);
    await page.getByRole("button", { name: "采纳更正" }).click();
    await expect(page.getByTestId("correction")).toContainText("已采纳");
    await expect(page.getByTestId("correction")).toContainText(answer); // the original is kept
    await expect(page.getByTestId("segment").first()).toContainText(`市卫生健康委员会主任杨吉喜应询：${corrected}`);
    await health.reload();
    await expect(health.getByTestId("correction")).toContainText("已采纳");
    // still hidden from the other department before publication
    expect((await education.goto(transcriptUrl))?.status()).toBe(403);
  });

  test("a question not answered on the spot goes to the department as a written reply, which only it answers", async ({ page, browser }) => {
    const { inquiryId, segmentId } = await recordedMeeting();
    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/meeting/segments/${segmentId}`);
    await page.getByRole("button", { name: "交书面答复" }).click();
    await expect(page.getByText("已交应询部门书面答复")).toBeVisible();
    const replyLink = page.getByRole("link", { name: "市卫生健康委员会" }).first();
    const replyUrl = (await replyLink.getAttribute("href"))!;
    const education = await signedIn(browser, "education");
    expect((await education.goto(replyUrl))?.status()).toBe(403);
    const health = await signedIn(browser, "health");
    await health.goto(replyUrl);
    await expect(health.getByTestId("reply-status")).toHaveText("待答复");
    await health.getByTestId("rte-answer").click();
    await health.keyboard.type("经研究，书面答复如下：已制定基层医疗能力提升计划。");
    await health.getByRole("button", { name: "提交书面答复" }).click();
    await expect(health.getByTestId("reply-status")).toHaveText("已答复");
    await page.goto(replyUrl);
    await expect(page.getByText("已制定基层医疗能力提升计划")).toBeVisible();
  });

  test("staff publish the digest for anyone; withdrawn, it is not found again", async ({ page, browser }) => {
    const { inquiryId, title, healthOrgId } = await recordedMeeting();
    const anonymous = await (await browser.newContext()).newPage();
    expect((await anonymous.goto(`/public/inquiries/${inquiryId}`))?.status()).toBe(404);
    await anonymous.goto("/public");
    await expect(anonymous.getByText(title)).toHaveCount(0);
    expect((await anonymous.request.get(`/inquiries/${inquiryId}/digest.docx`, { maxRedirects: 0 })).status()).toBe(302);

    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/digest`);
    await expect(page.getByTestId("digest-status")).toHaveText("未发布");
    await page.getByText("编辑标题、导语、结语和收录内容").click();
    // a title other than the default (「…摘要」, shown before any save): the preview changes only once the save has
    // landed, and publishing before that would post the version the save replaces
    const digestTitle = `${title}询问会摘要`;
    await page.getByLabel("摘要标题").fill(digestTitle);
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && /\/digest(\.data)?$/.test(new URL(r.url()).pathname));
    await page.getByRole("button", { name: "保存摘要" }).click();
    await saved;
    await expect(page.getByTestId("digest-title")).toHaveText(digestTitle);
    await page.getByRole("button", { name: "公开发布" }).click();
    await expect(page.getByTestId("confirm-step")).toContainText("确认发布吗");
    await expect(page.getByTestId("digest-status")).toHaveText("未发布");
    await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
    await expect(page.getByTestId("digest-status")).toContainText("已公开发布");

    await anonymous.goto("/public");
    await anonymous.getByRole("link", { name: title }).click();
    await expect(anonymous.getByTestId("digest-title")).toHaveText(digestTitle);
    await expect(anonymous.getByTestId("digest-keyword")).toHaveText(["基层医疗"]);
    await expect(anonymous.getByTestId("digest-exchange")).toHaveCount(2);
    const docx = await anonymous.request.get(`/inquiries/${inquiryId}/digest.docx`);
    expect(docx.status()).toBe(200);

    // published: the other department may now read the transcript
    const education = await signedIn(browser, "education");
    expect((await education.goto(`/inquiries/${inquiryId}/meeting/departments/${healthOrgId}`))?.status()).toBe(200);

    await page.getByRole("button", { name: "撤回发布" }).click();
    await page.getByTestId("confirm-step").getByRole("button", { name: "确认" }).click();
    await expect(page.getByTestId("digest-status")).toHaveText("未发布");
    expect((await anonymous.goto(`/public/inquiries/${inquiryId}`))?.status()).toBe(404);
    await anonymous.goto("/public");
    await expect(anonymous.getByText(title)).toHaveCount(0);
  });

  test("the next outline question is proposed with its questioner, department and keyword; 现场提问 is one key away", async ({ page }) => {
    const { inquiryId, healthOrgId } = await recordedMeeting();
    const now = new Date().toISOString();
    const keywordId = await insert("insert into outline_keywords (inquiry_id, keyword, headline, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?)", [
      inquiryId, "家庭医生", "签约一人履约一人", 1, now, now,
    ]);
    const outlineQuestion = "家庭医生签约服务覆盖率是多少？";
    for (const [position, text] of [[1, outlineQuestion], [2, "下一步如何提高签约服务质量？"]] as const) {
      await insert(
        "insert into outline_questions (inquiry_id, keyword_id, text, department_id, questioner_name, questioner_role, position, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [inquiryId, keywordId, text, healthOrgId, "肖萍", "市人大常委会委员", position, now, now],
      );
    }
    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/meeting`);
    await expect(page.getByTestId("entry-mode")).toHaveText("提纲问题");
    await expect(page.locator("#mt-question")).toHaveValue(outlineQuestion);
    await expect(page.locator("#mt-questionerName")).toHaveValue("肖萍");
    await expect(page.locator("#mt-keyword")).toHaveValue("家庭医生");
    await expect(page.locator("#mt-headline")).toHaveValue("签约一人履约一人");
    await expect(page.locator("#mt-departmentId")).toHaveValue(String(healthOrgId));
    await expect(page.locator("#mt-responderName")).toHaveValue("杨吉喜");
    // Alt+N: an unplanned question, then back to the outline
    await page.keyboard.press("Alt+KeyN");
    await expect(page.getByTestId("entry-mode")).toHaveText("现场提问");
    await expect(page.locator("#mt-question")).toHaveValue("");
    await expect(page.locator("#mt-questionerName")).toBeFocused();
    await page.keyboard.press("Alt+KeyN");
    await expect(page.getByTestId("entry-mode")).toHaveText("提纲问题");
    await expect(page.locator("#mt-question")).toHaveValue(outlineQuestion);
    await page.keyboard.press("Alt+KeyA");
    await page.keyboard.type("目前重点人群签约率达到百分之八十。");
    await page.keyboard.press("Control+Enter");
    await expect(page.getByTestId("draft-status")).toContainText("本轮问答已保存");
    await expect(page.getByTestId("segment").last()).toContainText(`市人大常委会委员肖萍询问：${outlineQuestion}`);
    await expect(page.getByTestId("segment").last()).toContainText("提纲问题");
    // the next outline question is proposed at once
    await expect(page.locator("#mt-question")).toHaveValue("下一步如何提高签约服务质量？");
    await expect(page.getByTestId("entry-mode")).toHaveText("提纲问题");
  });
});
