import { expect, test, type Page } from "@playwright/test";
import JSZip from "jszip";
import { readFileSync } from "node:fs";
import { approvePlan, login, makeInquiry, makeOutline, signedIn, unique, type OutlineKeywordSpec } from "./fixtures";

/** The smallest file that is a PDF by its bytes. */
const PDF_BYTES = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  "latin1",
);

/** The text of every w:t run of a .docx, joined. */
async function docxText(bytes: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file("word/document.xml")!.async("string");
  const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => unescape(m[1])).join("");
}

/** The outline's questions in page order ([] while the page is being replaced, so polls retry). */
const questionTexts = (page: Page) => page.locator("li.ol-question [data-testid=question-text]").allTextContents().catch(() => [] as string[]);
const questionId = async (page: Page, text: string) => Number((await page.locator("li.ol-question", { hasText: text }).getAttribute("id"))!.slice(2));

/**
 * The outline's life, one test per step. The first builds an outline through the pages; each later step starts
 * from an outline written into the database as the pages leave it (makeOutline), so one failure skips nothing
 * and the steps spread over both workers.
 */
test.describe("询问提纲：起草、审定、下发、书面准备答复", () => {
  const tag = unique("");
  const title = `提纲测试专题询问${tag}`;
  const findings = [`群众看病报销周期长${tag}`, `农村学校寄宿条件差${tag}`, `部分村饮水水压不足${tag}`];
  const q = {
    h1: `市卫健委如何缩短医疗费用报销周期？${tag}`,
    h2: `基层医疗机构人才短缺如何解决？${tag}`,
    e1: `农村寄宿制学校改善计划进展如何？${tag}`,
    e2: `控辍保学长效机制如何建立？${tag}`,
    w1: `农村饮水安全巩固提升工程进展如何？${tag}`,
    proposal: `乡村教师周转房建设有何安排？${tag}`,
  };

  /** The outline as the first test leaves it (questions in the order it ends with), in an inquiry of its own. */
  async function outlineInquiry(state: "draft" | "approved" | "issued"): Promise<{ inquiryId: number; title: string; ids: Record<string, number> }> {
    const spec: OutlineKeywordSpec[] = [
      {
        keyword: "健康扶贫",
        headline: "让群众看得起病",
        questions: [
          { text: q.h1, department: "市卫生健康委员会", questioner: ["马爱国", "市人大常委会委员"] },
          { text: q.h2, department: "市卫生健康委员会", questioner: ["赵朝阳", "市人大常委会委员"] },
        ],
      },
      { keyword: "教育扶贫", questions: [{ text: q.e2, department: "市教育局", questioner: ["杨应芬", "市人大代表"] }, { text: q.e1, department: "市教育局" }] },
      { keyword: "水利扶贫", headline: "喝上放心水", questions: [{ text: q.w1, department: "市水利局" }] },
    ];
    const inquiry = await makeInquiry({ title: unique("提纲测试专题询问"), stage: "outline", meetingDate: "2031-09-22", departments: ["市卫生健康委员会", "市教育局", "市水利局"] });
    const byText = await makeOutline(inquiry.id, spec, state);
    const ids: Record<string, number> = {};
    for (const [key, text] of Object.entries(q)) if (byText[text]) ids[key] = byText[text];
    return { inquiryId: inquiry.id, title: inquiry.title, ids };
  }

  test("staff build an outline from research findings: keywords, questions, sources, coverage, reordering", async ({ page }) => {
    test.setTimeout(240_000);
    const ids: Record<string, number> = {};
    await login(page, "staff");
    // an inquiry with three responding departments, and three clues from research
    await page.goto("/inquiries/new");
    await page.getByLabel("名称").fill(title);
    await page.getByLabel("询问主题").fill("提纲测试");
    await page.getByLabel("组织单位").fill("市人大常委会农业农村工作委员会");
    await page.getByLabel("询问会日期（计划）").fill("2031-09-22");
    for (const org of ["市卫生健康委员会", "市教育局", "市水利局"]) await page.getByRole("checkbox", { name: org }).check();
    await page.getByRole("button", { name: "新建" }).click();
    await expect(page).toHaveURL(/\/inquiries\/\d+$/);
    const inquiryId = Number(new URL(page.url()).pathname.split("/").pop());
    await approvePlan(inquiryId);
    await page.goto(`/inquiries/${inquiryId}/research`);
    for (const text of findings) {
      await page.getByLabel("问题线索").fill(text);
      await page.getByRole("button", { name: "添加问题线索" }).click();
      await expect(page.getByTestId("clue-list")).toContainText(text);
    }

    await page.goto(`/inquiries/${inquiryId}/outline`);
    await expect(page.getByRole("heading", { name: "询问提纲", level: 1 })).toBeVisible();
    await expect(page.getByTestId("outline-status")).toHaveText("起草中");

    // a keyword without a name is refused next to the field
    const kf = page.locator("#add-keyword");
    await kf.getByRole("button", { name: "添加关键词" }).click();
    await expect(kf.getByText("请填写关键词")).toBeVisible();
    for (const [keyword, headline] of [["健康扶贫", "让群众看得起病"], ["教育扶贫", ""], ["水利扶贫", "喝上放心水"]]) {
      await kf.getByLabel("关键词").fill(keyword);
      await kf.getByLabel("标题").fill(headline);
      await kf.getByRole("button", { name: "添加关键词" }).click();
      await expect(page.getByTestId("outline").getByRole("heading", { name: keyword })).toBeVisible();
    }

    const addQuestion = async (keyword: string, text: string, dept: string, opts: { member?: string; named?: [string, string]; source?: string } = {}) => {
      const form = page.locator("#add-question");
      await form.getByLabel("关键词").selectOption({ label: keyword });
      await form.getByLabel("问题内容").fill(text);
      await form.getByLabel("应询部门").selectOption({ label: dept });
      if (opts.member) await form.getByLabel("询问人", { exact: true }).selectOption({ label: opts.member });
      if (opts.named) {
        await form.getByLabel("询问人", { exact: true }).selectOption({ label: "名册中没有的人员（在下方填写）" });
        await form.getByLabel("询问人姓名（名册外）").fill(opts.named[0]);
        await form.getByLabel("询问人职务（名册外）").fill(opts.named[1]);
      }
      if (opts.source) await form.getByLabel(opts.source).check();
      await form.getByRole("button", { name: "添加问题" }).click();
      await expect(page.getByTestId("outline")).toContainText(text);
    };

    // refused: no department, and a named questioner without a name; the text is kept
    const form = page.locator("#add-question");
    await form.getByLabel("问题内容").fill(q.h1);
    await form.getByLabel("询问人", { exact: true }).selectOption({ label: "名册中没有的人员（在下方填写）" });
    await form.getByRole("button", { name: "添加问题" }).click();
    await expect(form.getByText("请选择应询部门")).toBeVisible();
    await expect(form.getByText("请填写询问人姓名")).toBeVisible();
    await expect(form.getByLabel("问题内容")).toHaveValue(q.h1);

    await addQuestion("健康扶贫", q.h1, "市卫生健康委员会", { member: "马爱国（市人大常委会委员）", source: findings[0] });
    await addQuestion("健康扶贫", q.h2, "市卫生健康委员会", { named: ["赵朝阳", "市人大常委会委员"] });
    await addQuestion("教育扶贫", q.e1, "市教育局", { source: findings[1] });
    await addQuestion("教育扶贫", q.e2, "市教育局", { named: ["杨应芬", "市人大代表"] });

    // coverage: the water department has no question yet, the third clue is unused
    await expect(page.getByTestId("coverage-missing")).toContainText("市水利局");
    await expect(page.getByTestId("coverage-unused-findings")).toContainText(findings[2]);
    await addQuestion("水利扶贫", q.w1, "市水利局", { source: findings[2] });
    await expect(page.getByTestId("coverage-missing")).toHaveCount(0);
    await expect(page.getByTestId("coverage-unused-findings")).toHaveCount(0);
    await expect(page.getByTestId("coverage-departments")).toContainText(/市卫生健康委员会\s*2/);
    await expect(page.getByTestId("coverage-questioners")).toContainText(/市人大常委会委员 马爱国\s*1/);
    for (const [key, text] of Object.entries(q)) if (key !== "proposal") ids[key] = await questionId(page, text);
    // the source is shown beside its question
    await expect(page.locator(`#q-${ids.h1} aside`)).toContainText(findings[0]);
    expect(await questionTexts(page)).toEqual([q.h1, q.h2, q.e1, q.e2, q.w1]);

    // reorder with the buttons …
    await page.getByRole("button", { name: "上移第 2 题" }).click();
    await expect.poll(() => questionTexts(page)).toEqual([q.h2, q.h1, q.e1, q.e2, q.w1]);
    // … with the keyboard on a button …
    await page.locator(`#q-${ids.h2}-down`).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.e1, q.e2, q.w1]);
    await expect(page.locator(`#q-${ids.h2}-up`)).toBeFocused();
    // … and with Alt+↑ anywhere on the question
    await page.locator(`#q-${ids.e2}`).getByRole("link", { name: /编辑/ }).focus();
    await page.keyboard.press("Alt+ArrowUp");
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.e2, q.e1, q.w1]);
    // keywords move too: the water keyword goes up before education, and back
    await page.getByRole("button", { name: "上移关键词「水利扶贫」" }).click();
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.w1, q.e2, q.e1]);
    await page.getByRole("button", { name: "下移关键词「水利扶贫」" }).click();
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.e2, q.e1, q.w1]);
    // move a question to another keyword and back
    await page.getByLabel("将第 5 题移至关键词").selectOption({ label: "健康扶贫" });
    await page.locator(`#q-${ids.w1}`).getByRole("button", { name: "移动" }).click();
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.w1, q.e2, q.e1]);
    await page.getByLabel("将第 3 题移至关键词").selectOption({ label: "水利扶贫" });
    await page.locator(`#q-${ids.w1}`).getByRole("button", { name: "移动" }).click();
    await expect.poll(() => questionTexts(page)).toEqual([q.h1, q.h2, q.e2, q.e1, q.w1]);
  });

  test("a member proposes questions; staff accept one into the outline and decline the other with a reason", async ({ page, browser }) => {
    test.setTimeout(120_000);
    const { inquiryId } = await outlineInquiry("draft");
    const member = await signedIn(browser, "member");
    await member.goto(`/inquiries/${inquiryId}/outline/propose`);
    const declined = `重复的建议${tag}`;
    for (const text of [q.proposal, declined]) {
      await member.getByLabel("建议询问的问题").fill(text);
      await member.getByLabel("建议关键词").fill("教育扶贫");
      await member.getByLabel("建议应询部门").selectOption({ label: "市教育局" });
      await member.getByLabel("问题来源或依据").fill("代表小组活动中教师反映");
      await member.getByRole("button", { name: "提交问题建议" }).click();
      await expect(member.getByTestId("my-proposals")).toContainText(text);
    }
    await expect(member.getByTestId("my-proposals")).toContainText("待处理");
    // a member may not edit the outline itself
    const forged = await member.request.post(`/inquiries/${inquiryId}/outline`, { form: { intent: "add_keyword", keyword: "越权", revision: "1" }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);

    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/outline`);
    const proposals = page.getByTestId("proposals");
    await expect(proposals).toContainText("待处理 2");
    const accepted = proposals.locator(".ol-proposal", { hasText: q.proposal });
    await accepted.getByRole("button", { name: "采纳并列入提纲：采纳马爱国的问题建议", exact: true }).click();
    await expect(page.getByTestId("outline")).toContainText(q.proposal);
    const refused = page.getByTestId("proposals").locator(".ol-proposal", { hasText: declined });
    await refused.getByRole("button", { name: "不采纳马爱国的问题建议" }).click();
    await expect(refused.getByText("请填写不予采纳的理由")).toBeVisible();
    await refused.getByLabel("不予采纳的理由").fill("与已列入的问题重复");
    await refused.getByRole("button", { name: "不采纳马爱国的问题建议" }).click();
    await expect(page.getByTestId("proposals")).toContainText("待处理 0");
    const item = page.locator(`#q-${await questionId(page, q.proposal)}`);
    await expect(item).toContainText("市人大常委会委员 马爱国");
    await expect(item).toContainText("代表小组活动中教师反映");

    await member.goto(`/inquiries/${inquiryId}/outline/propose`);
    await expect(member.getByTestId("my-proposals")).toContainText("已采纳");
    await expect(member.getByTestId("my-proposals")).toContainText("理由：与已列入的问题重复");
    await member.context().close();
  });

  test("two staff edit the same question at once: the second save gets a conflict message and keeps its text", async ({ page, browser }) => {
    const { inquiryId, ids } = await outlineInquiry("draft");
    await login(page, "staff");
    const other = await signedIn(browser, "staff");
    const url = `/inquiries/${inquiryId}/outline/questions/${ids.h2}`;
    await page.goto(url);
    await other.goto(url);
    const first = `基层医疗机构人才短缺问题如何系统解决？${tag}`;
    const second = `基层卫生人才“招不来、留不住”如何破解？${tag}`;
    await page.locator("#edit").getByLabel("问题内容").fill(first);
    await page.getByRole("button", { name: "保存问题" }).click();
    await expect(page).toHaveURL(new RegExp(`/inquiries/${inquiryId}/outline#q-${ids.h2}$`));
    await expect(page.getByTestId("outline")).toContainText(first);

    await other.locator("#edit").getByLabel("问题内容").fill(second);
    await other.getByRole("button", { name: "保存问题" }).click();
    await expect(other.getByRole("alert")).toContainText("已被他人修改");
    await expect(other.locator("#edit").getByLabel("问题内容")).toHaveValue(second);
    // the page now shows what the other editor saved
    await expect(other.getByTestId("question-card").getByTestId("question-text")).toHaveText(first);
    await page.reload();
    await expect(page.getByTestId("outline")).toContainText(first);
    await expect(page.getByTestId("outline")).not.toContainText(second);
    await other.context().close();
  });

  test("submit to the council, record a rejection, revise, resubmit, approve, compare versions, issue", async ({ page }) => {
    test.setTimeout(120_000);
    const { inquiryId, ids } = await outlineInquiry("draft");
    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/outline`);
    await page.getByRole("button", { name: "提请主任会议审定" }).click();
    await expect(page.getByTestId("outline-status")).toHaveText("已提请主任会议审定");
    // frozen: no editing controls
    await expect(page.locator("#add-question")).toHaveCount(0);

    const flow = page.getByTestId("outline-flow");
    await flow.getByLabel("退回修改").check();
    await flow.getByRole("button", { name: "记录审定结果" }).click();
    await expect(flow.getByText("退回时请填写主任会议的意见")).toBeVisible();
    await flow.getByLabel("主任会议意见").fill("教育方面的问题需进一步聚焦");
    await flow.getByRole("button", { name: "记录审定结果" }).click();
    await expect(page.getByTestId("outline-status")).toHaveText("主任会议已退回");
    await expect(page.getByTestId("rejection-note")).toContainText("教育方面的问题需进一步聚焦");

    // revise one question, then resubmit as version 2
    await page.goto(`/inquiries/${inquiryId}/outline/questions/${ids.e1}`);
    const revised = `农村寄宿制学校改善计划今年能否全部完工？${tag}`;
    await page.locator("#edit").getByLabel("问题内容").fill(revised);
    await page.getByRole("button", { name: "保存问题" }).click();
    await expect(page.getByTestId("outline")).toContainText(revised);
    await page.getByRole("button", { name: "提请主任会议审定" }).click();
    await expect(page.getByTestId("outline-status")).toHaveText("已提请主任会议审定");
    await flow.getByLabel("审定通过").check();
    await flow.getByRole("button", { name: "记录审定结果" }).click();
    await expect(page.getByTestId("outline-status")).toHaveText("主任会议已审定");

    // both versions stay readable; version 2 against version 1 shows the revised question
    await page.getByRole("link", { name: /版本记录/ }).click();
    await expect(page.getByTestId("version-1")).toContainText("退回修改");
    await expect(page.getByTestId("version-1")).toContainText("教育方面的问题需进一步聚焦");
    await expect(page.getByTestId("version-2")).toContainText("审定通过");
    await page.getByRole("link", { name: "第 2 版与上一版比较" }).click();
    await expect(page.getByTestId("version-diff")).toContainText("修改问题（1）");
    await expect(page.getByTestId("version-diff")).toContainText(revised);
    await page.getByRole("link", { name: "查看第 1 版" }).click();
    await expect(page.getByTestId("version-content")).toContainText(`农村寄宿制学校改善计划进展如何？${tag}`);

    await page.goto(`/inquiries/${inquiryId}/outline`);
    await page.getByRole("button", { name: "下发应询部门" }).click();
    await expect(page.getByTestId("outline-status")).toHaveText("已下发应询部门");
    await expect(page.getByTestId("answer-summary")).toContainText("已提交 0 / 5");
  });

  test("each department sees only its own questions; the health department answers one; another department cannot open it", async ({ page, browser }) => {
    test.setTimeout(120_000);
    const { inquiryId, ids } = await outlineInquiry("issued");
    await login(page, "health");
    await page.goto(`/inquiries/${inquiryId}/outline`);
    const list = page.getByTestId("department-questions");
    await expect(list.locator("li")).toHaveCount(2);
    await expect(list).toContainText(q.h1);
    await expect(list).toContainText(q.h2);
    await expect(page.locator("body")).not.toContainText(q.e1);
    await expect(page.locator("body")).not.toContainText(q.w1);

    await page.getByTestId(`dept-question-${ids.h1}`).getByRole("link").click();
    await expect(page).toHaveURL(`/inquiries/${inquiryId}/outline/questions/${ids.h1}`);
    await page.getByRole("button", { name: "提交答复" }).click();
    await expect(page.getByText("请填写书面准备答复后再提交")).toBeVisible();
    await page.getByTestId("rte-answer").click();
    await page.keyboard.type("我委已会同医保部门优化报销流程，平均报销周期由30天缩短至15天。");
    await page.getByLabel("添加附件").setInputFiles({ name: "报销流程说明.pdf", mimeType: "application/pdf", buffer: PDF_BYTES });
    await page.getByRole("button", { name: "提交答复" }).click();
    await expect(page.getByTestId("answer-state")).toHaveText("书面准备答复：已提交答复");
    const attachment = page.getByRole("link", { name: "报销流程说明.pdf" });
    const attachmentUrl = (await attachment.getAttribute("href"))!;
    expect((await page.request.get(attachmentUrl)).status()).toBe(200);

    // the education department: only its own questions; the health answer, its page and attachment are 403
    const education = await signedIn(browser, "education");
    await education.goto(`/inquiries/${inquiryId}/outline`);
    await expect(education.getByTestId("department-questions").locator("li")).toHaveCount(2);
    await expect(education.locator("body")).not.toContainText(q.h1);
    const denied = await education.goto(`/inquiries/${inquiryId}/outline/questions/${ids.h1}`);
    expect(denied?.status()).toBe(403);
    await expect(education.getByRole("heading", { name: "无权访问" })).toBeVisible();
    await expect(education.locator("body")).not.toContainText("平均报销周期");
    expect((await education.request.get(attachmentUrl)).status()).toBe(403);
    const forged = await education.request.post(`/inquiries/${inquiryId}/outline/questions/${ids.h1}`, {
      multipart: { intent: "submit_answer", version: "1", answer: "越权改写" },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await education.context().close();

    // a county congress sees no outline at all
    const county = await signedIn(browser, "county");
    expect((await county.goto(`/inquiries/${inquiryId}/outline`))?.status()).toBe(403);
    await county.context().close();

    // staff see which questions have an answer, and read it
    const staff = await signedIn(browser, "staff");
    await staff.goto(`/inquiries/${inquiryId}/outline`);
    await expect(staff.getByTestId("answer-summary")).toContainText("已提交 1 / 5");
    await expect(staff.locator(`#q-${ids.h1}`).getByTestId("answer-state")).toHaveText("已提交答复");
    await expect(staff.locator(`#q-${ids.h2}`).getByTestId("answer-state")).toHaveText("未答复");
    await staff.goto(`/inquiries/${inquiryId}/outline/questions/${ids.h1}`);
    await expect(staff.getByTestId("answer-view")).toContainText("平均报销周期由30天缩短至15天");
    await staff.context().close();
  });

  test("the approved outline downloads as Word with the questions in outline order, and prints", async ({ page, browser }) => {
    const { inquiryId, title } = await outlineInquiry("approved");
    await login(page, "staff");
    await page.goto(`/inquiries/${inquiryId}/outline`);
    const order = await questionTexts(page);
    expect(order).toEqual([q.h1, q.h2, q.e2, q.e1, q.w1]);
    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "导出 Word" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/提纲（第1版）\.docx$/);
    const text = await docxText(readFileSync((await download.path())!));
    expect(text).toContain(`${title}询问提纲`);
    expect(text).toContain("2031年9月22日");
    const positions = order.map((t) => text.indexOf(t));
    expect(positions.every((p) => p >= 0), `all questions in the document: ${positions}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain("应询部门：市卫生健康委员会");
    expect(text).toContain("询问人：市人大常委会委员 马爱国");

    await page.goto(`/inquiries/${inquiryId}/outline/print`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${title}询问提纲`);
    await expect(page.getByTestId("outline-print")).toContainText(q.w1);

    // a department cannot export the whole outline
    const health = await signedIn(browser, "health");
    expect((await health.request.get(`/inquiries/${inquiryId}/outline.docx`)).status()).toBe(403);
    await health.context().close();
  });
});

test("the demo inquiry has the fixture's outline, approved and issued, with answers from the health department", async ({ page, browser }) => {
  await login(page, "staff");
  await page.goto("/inquiries/1/outline");
  await expect(page.getByTestId("outline-status")).toHaveText("已下发应询部门");
  await expect(page.getByTestId("outline").locator("section.ol-keyword")).toHaveCount(12);
  await expect(page.locator("li.ol-question")).toHaveCount(16);
  await expect(page.getByTestId("answer-summary")).toContainText("已提交 4 / 16");
  const health = await signedIn(browser, "health");
  await health.goto("/inquiries/1/outline");
  await expect(health.getByTestId("department-questions").locator("li")).toHaveCount(2);
  await expect(health.getByTestId("department-questions")).toContainText("已提交答复");
  await health.context().close();
});
