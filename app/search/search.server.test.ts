import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/session.server";
import { createTestDb, makeOrganization, type TestDb } from "../test/db";
import { bigrams, makeSnippet, parseSearchQuery, search } from "./search.server";

type Who = Pick<CurrentUser, "role" | "organizationId" | "organizationKind" | "memberInquiryIds">;
const now = "2026-01-01T00:00:00.000Z";

describe("parseSearchQuery", () => {
  it("turns words into bigram phrases joined by AND; quoted phrases stay whole", () => {
    expect(bigrams("医养中心")).toEqual(["医养", "养中", "中心"]);
    expect(parseSearchQuery("医养")).toEqual({ ok: true, terms: ["医养"], match: '"医养"', phrases: [["医养"]] });
    expect(parseSearchQuery('贫困 "稳岗就业"')).toEqual({
      ok: true,
      terms: ["贫困", "稳岗就业"],
      match: '"贫困" AND "稳岗 岗就 就业"',
      phrases: [["贫困"], ["稳岗", "岗就", "就业"]],
    });
  });
  it("refuses empty, one-character and overlong queries in Chinese", () => {
    expect(parseSearchQuery("  ")).toMatchObject({ ok: false, message: "请输入要搜索的内容" });
    expect(parseSearchQuery("医")).toMatchObject({ ok: false });
    expect(parseSearchQuery("字".repeat(101))).toMatchObject({ ok: false });
  });
  it("neutralises FTS5 syntax typed by the user", () => {
    const parsed = parseSearchQuery('医养" OR kind:* NEAR(');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.match).not.toContain("*");
  });
  it("marks every occurrence of the terms in the snippet", () => {
    const parts = makeSnippet("一二三医养结合四五六医养", ["医养"]);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(["医养", "医养"]);
  });
});

describe("search against the database", () => {
  let t: TestDb;
  let deptA: number;
  let deptB: number;
  let countyA: number;
  let countyB: number;
  let inquiryId: number;
  const staff: Who = { role: "staff", organizationId: null, organizationKind: null };
  const member: Who = { role: "member", organizationId: null, organizationKind: null };
  const dept = (id: number): Who => ({ role: "department", organizationId: id, organizationKind: "department" });
  const county = (id: number): Who => ({ role: "county", organizationId: id, organizationKind: "county_congress" });

  async function find(who: Who, q: string, extra: { kind?: string; year?: number } = {}) {
    const parsed = parseSearchQuery(q);
    if (!parsed.ok) throw new Error(parsed.message);
    return search(t.db, who, parsed, { page: 1, pageSize: 20, ...extra });
  }

  beforeEach(async () => {
    t = await createTestDb();
    deptA = await makeOrganization(t.db, { name: "市卫生健康委员会", kind: "department" });
    deptB = await makeOrganization(t.db, { name: "市住房和城乡建设局", kind: "department" });
    countyA = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    countyB = await makeOrganization(t.db, { name: "武陟县人大常委会", kind: "county_congress" });
    const inquiry = await t.db
      .insertInto("inquiries")
      .values({ title: "全市脱贫攻坚工作专题询问", congress: "焦作市人大常委会", meeting_date: "2020-09-22", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    inquiryId = inquiry.id;
    // rectification items: one of A (with B as co-department), one of B only
    const itemA = await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiryId, number: 1, problem: "医养中心运行经费保障不足", requirement: "建立长效机制", lead_department_id: deptA, deadline: "2020-12-31", original_deadline: "2020-12-31", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.insertInto("rectification_codepartments").values({ item_id: itemA.id, organization_id: deptB }).execute();
    await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: inquiryId, number: 2, problem: "危房改造质量抽查发现隐患", lead_department_id: deptB, deadline: "2020-12-31", original_deadline: "2020-12-31", created_by: null, created_at: now, updated_at: now })
      .execute();
    // county surveys
    const request = await t.db
      .insertInto("survey_requests")
      .values({ inquiry_id: inquiryId, title: "委托调研", due_date: "2020-08-31", created_by: null, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("survey_delegations")
      .values([
        { request_id: request.id, inquiry_id: inquiryId, organization_id: countyA, status: "submitted", report_text: "温县光伏扶贫电站收益分配情况", created_at: now, updated_at: now },
        { request_id: request.id, inquiry_id: inquiryId, organization_id: countyB, status: "submitted", report_text: "武陟县光伏扶贫项目运维困难", created_at: now, updated_at: now },
      ])
      .execute();
    // a meeting with an exchange answered by A, not yet published
    const meeting = await t.db.insertInto("meetings").values({ inquiry_id: inquiryId, meeting_date: "2020-09-22", created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    const segment = await t.db
      .insertInto("meeting_segments")
      .values({ meeting_id: meeting.id, inquiry_id: inquiryId, kind: "exchange", position: 1, keyword: "健康扶贫", department_id: deptA, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("meeting_turns")
      .values([
        { segment_id: segment.id, position: 1, kind: "question", body_text: "贫困人口看病难问题如何解决？", created_at: now, updated_at: now },
        { segment_id: segment.id, position: 2, kind: "answer", body_text: "我们推进家庭医生签约，保障贫困人口就业和就医。", created_at: now, updated_at: now },
      ])
      .execute();
  });
  afterEach(() => t.cleanup());

  it("finds a two-character word, and several words narrow the result", async () => {
    expect((await find(staff, "医养")).total).toBe(1);
    expect((await find(staff, "贫困")).byKind).toEqual({ exchange: 1 });
    expect((await find(staff, "光伏")).total).toBe(2);
    expect((await find(staff, "光伏 温县")).total).toBe(1);
    expect((await find(staff, "光伏 不存在的词")).total).toBe(0);
  });

  it("keeps the index in step with updates and deletes of the source rows", async () => {
    await t.db.updateTable("rectification_items").set({ problem: "改写后的问题" }).where("number", "=", 1).execute();
    expect((await find(staff, "医养")).total).toBe(0);
    expect((await find(staff, "改写")).total).toBe(1);
    await t.db.updateTable("meeting_turns").set({ body_text: "换成别的回答" }).where("kind", "=", "answer").execute();
    expect((await find(staff, "就医")).total).toBe(0);
    expect((await find(staff, "别的回答")).total).toBe(1);
    await t.db.deleteFrom("survey_delegations").where("organization_id", "=", countyA).execute();
    expect((await find(staff, "光伏")).total).toBe(1);
  });

  it("staff and members see everything; filters by kind and year apply", async () => {
    // a member: the inquiries they take part in (docs/decisions/0031)
    expect((await find({ ...member, memberInquiryIds: [inquiryId] }, "光伏")).total).toBe(2);
    expect((await find(member, "光伏")).total).toBe(0);
    expect((await find({ ...member, memberInquiryIds: [inquiryId + 1] }, "光伏")).total).toBe(0);
    expect((await find(staff, "光伏", { kind: "exchange" })).total).toBe(0);
    expect((await find(staff, "光伏", { year: 2019 })).total).toBe(0);
  });

  it("a department finds only its own items (lead or co) and its own unpublished exchanges", async () => {
    expect((await find(dept(deptA), "医养")).total).toBe(1);
    expect((await find(dept(deptB), "医养")).total).toBe(1); // co-department
    expect((await find(dept(deptA), "危房")).total).toBe(0); // B's item: no hit, no count
    expect((await find(dept(deptA), "危房")).byKind).toEqual({});
    expect((await find(dept(deptA), "贫困")).total).toBe(1);
    expect((await find(dept(deptB), "贫困")).total).toBe(0); // A's transcript before publication
    expect((await find(dept(deptA), "光伏")).total).toBe(0); // county reports
  });

  it("a county finds only its own report; published exchanges become visible to all", async () => {
    const mine = await find(county(countyA), "光伏");
    expect(mine.total).toBe(1);
    expect(mine.hits[0].snippet.map((p) => p.text).join("")).toContain("温县");
    expect((await find(county(countyB), "温县")).total).toBe(0);
    expect((await find(county(countyA), "贫困")).total).toBe(0);
    await t.db.updateTable("meetings").set({ digest_published_at: now }).execute();
    expect((await find(county(countyA), "贫困")).total).toBe(1);
    expect((await find(dept(deptB), "贫困")).total).toBe(1);
  });

  it("lists many matches by kind and newest first, paging through each exactly once, with the counts unchanged", async () => {
    // 25 more items and 7 progress reports; every item's title (整改事项 n) contains 整改, the exchange does not
    const items: number[] = [];
    for (let n = 3; n < 28; n++) {
      const row = await t.db
        .insertInto("rectification_items")
        .values({ inquiry_id: inquiryId, number: n, problem: `整改问题${n}`, lead_department_id: deptA, deadline: "2020-12-31", original_deadline: "2020-12-31", created_by: null, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      items.push(row.id);
    }
    for (let n = 0; n < 7; n++) {
      await t.db
        .insertInto("progress_reports")
        .values({ item_id: items[n], inquiry_id: inquiryId, organization_id: deptA, body_text: `整改进展第${n}次`, created_at: now })
        .execute();
    }
    const parsed = parseSearchQuery("整改");
    if (!parsed.ok) throw new Error(parsed.message);
    const ranked = await search(t.db, staff, parsed, { page: 1, pageSize: 10 });
    expect(ranked.ordering).toBe("relevance");
    expect(ranked.totalIsCapped).toBe(false);
    expect(ranked.byKind).toEqual({ rectification_item: 27, progress_report: 7 });

    const pages = [];
    for (let page = 1; page <= 4; page++) pages.push(await search(t.db, staff, parsed, { page, pageSize: 10, rankLimit: 5 }));
    expect(pages.every((p) => p.ordering === "kind_and_time" && p.total === 34)).toBe(true);
    const listed = pages.flatMap((p) => p.hits.map((h) => `${h.kind}:${h.recordId}`));
    expect(listed).toHaveLength(34);
    expect(new Set(listed).size).toBe(34);
    // items first (the kind order), newest first; then the progress reports
    const itemIds = pages.flatMap((p) => p.hits.filter((h) => h.kind === "rectification_item").map((h) => h.recordId));
    expect(itemIds).toEqual([...itemIds].sort((a, b) => b - a));
    expect(listed.slice(0, 27).every((k) => k.startsWith("rectification_item"))).toBe(true);
    expect(listed.slice(27).every((k) => k.startsWith("progress_report"))).toBe(true);
    // a kind filter pages within the kind; a department still sees only its own records
    const reports = await search(t.db, staff, parsed, { page: 1, pageSize: 5, rankLimit: 5, kind: "progress_report" });
    expect(reports.total).toBe(7);
    expect(reports.hits.map((h) => h.kind)).toEqual(Array(5).fill("progress_report"));
    // B sees only the item it co-handles and B's own item; A sees its 26 items and the 7 reports
    const other = await search(t.db, dept(deptB), parsed, { page: 1, pageSize: 10, rankLimit: 0 });
    expect(other.byKind).toEqual({ rectification_item: 2 });
    expect(other.hits.map((h) => h.kind)).toEqual(["rectification_item", "rectification_item"]);
    // counts stop at the cap: each kind lists at most that many, and the capped kinds are named
    const capped = await search(t.db, staff, parsed, { page: 1, pageSize: 10, countCap: 5 });
    expect(capped).toMatchObject({ total: 10, byKind: { rectification_item: 5, progress_report: 5 }, capped: ["rectification_item", "progress_report"], totalIsCapped: true, ordering: "kind_and_time" });
    const lastPage = await search(t.db, staff, parsed, { page: 2, pageSize: 5, countCap: 5 });
    expect(lastPage.hits.map((h) => h.kind)).toEqual(Array(5).fill("progress_report"));
    const own = await search(t.db, dept(deptA), parsed, { page: 4, pageSize: 10, rankLimit: 0 });
    expect(own.total).toBe(33);
    expect(own.hits).toHaveLength(3);
    expect(own.hits.every((h) => h.kind === "progress_report")).toBe(true);
  });
});

describe("what offices really type, and people and units (issue 15 items 2, 3, 8; issue 23 item 2)", () => {
  let t: TestDb;
  let health: number;
  let education: number;
  let wenxian: number;
  let inquiryId: number;
  let meetingId: number;
  const staff: Who = { role: "staff", organizationId: null, organizationKind: null };
  const dept = (id: number): Who => ({ role: "department", organizationId: id, organizationKind: "department" });
  const county = (id: number): Who => ({ role: "county", organizationId: id, organizationKind: "county_congress" });
  const later = "2026-03-01T02:00:00.000Z";

  async function find(who: Who, q: string, extra: { kind?: string; year?: number; organizationId?: number } = {}) {
    const parsed = parseSearchQuery(q);
    if (!parsed.ok) throw new Error(parsed.message);
    return search(t.db, who, parsed, { page: 1, pageSize: 20, ...extra });
  }
  const text = (hit: { snippet: { text: string }[] }) => hit.snippet.map((p) => p.text).join("");
  const marked = (hit: { snippet: { text: string; mark: boolean }[] }) => hit.snippet.filter((p) => p.mark).map((p) => p.text);

  beforeEach(async () => {
    t = await createTestDb();
    health = await makeOrganization(t.db, { name: "市卫生健康委员会", kind: "department" });
    education = await makeOrganization(t.db, { name: "市教育局", kind: "department" });
    wenxian = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    // a 2020 inquiry recorded after the fact: every record was created in 2026
    inquiryId = (
      await t.db
        .insertInto("inquiries")
        .values({ title: "全市脱贫攻坚工作专题询问", congress: "焦作市人大常委会", meeting_date: "2020-09-22", created_by: null, created_at: later, updated_at: later })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    meetingId = (
      await t.db
        .insertInto("meetings")
        .values({ inquiry_id: inquiryId, meeting_date: "2020-09-22", chair_name: "王小平", chair_title: "市人大常委会主任", created_at: later, updated_at: later })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const exchange = async (department: number, keyword: string, questioner: string, official: string, title: string, answer: string) => {
      const s = await t.db
        .insertInto("meeting_segments")
        .values({ meeting_id: meetingId, inquiry_id: inquiryId, kind: "exchange", position: 1, keyword, questioner_name: questioner, questioner_role: "委员", department_id: department, created_at: later, updated_at: later })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto("meeting_turns")
        .values([
          { segment_id: s.id, position: 1, kind: "question", speaker_name: questioner, speaker_title: "市人大常委会委员", body_text: `关于${keyword}，请问有何打算？`, created_at: later, updated_at: later },
          { segment_id: s.id, position: 2, kind: "answer", speaker_name: official, speaker_title: title, organization_id: department, body_text: answer, created_at: later, updated_at: later },
        ])
        .execute();
      return s.id;
    };
    await exchange(health, "健康扶贫", "马爱国", "杨吉喜", "市卫生健康委员会主任", "我们推进家庭医生签约服务。");
    await exchange(education, "教育扶贫", "马爱国", "李明", "市教育局局长", "控辍保学实行一生一案。");
    await exchange(education, "教育扶贫", "马爱国", "李明", "市教育局局长", "营养改善计划覆盖全部农村学校。");
    const item = (number: number, lead: number, problem: string) =>
      t.db
        .insertInto("rectification_items")
        .values({ inquiry_id: inquiryId, number, problem, lead_department_id: lead, deadline: "2026-06-30", original_deadline: "2026-06-30", created_by: null, created_at: later, updated_at: later })
        .returning("id")
        .executeTakeFirstOrThrow();
    await item(1, health, "ＰＰＰ项目融资监管不到位，２０２６年第３季度前完成清理。");
    await item(2, education, "义务教育阶段控辍保学台账不完整");
    await t.db.insertInto("research_findings").values({ inquiry_id: inquiryId, text: "农村饮\u200B水安全工程维护资金缺口较大", created_by: null, created_at: later }).execute();
    const request = await t.db
      .insertInto("survey_requests")
      .values({ inquiry_id: inquiryId, title: "委托调研", due_date: "2026-07-15", created_by: null, created_at: later })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("survey_delegations")
      .values({
        request_id: request.id,
        inquiry_id: inquiryId,
        organization_id: wenxian,
        status: "submitted",
        report_text: "温县光伏扶贫电站收益分配情况",
        // 00:30 on 1 July in Beijing
        submitted_at: "2026-06-30T16:30:00.000Z",
        created_at: later,
        updated_at: later,
      })
      .execute();
  });
  afterEach(() => t.cleanup());

  it("finds full-width text by full-width, half-width and lower-case queries; the snippet keeps the original characters", async () => {
    for (const q of ["ＰＰＰ项目", "PPP项目", "ppp", "２０２６年", "2026年"]) {
      const result = await find(staff, q);
      expect(result.byKind, q).toEqual({ rectification_item: 1 });
      expect(text(result.hits[0]), q).toContain("ＰＰＰ项目融资监管不到位，２０２６年第３季度");
    }
    expect(marked((await find(staff, "ppp")).hits[0])).toEqual(["ＰＰＰ"]);
    expect(marked((await find(staff, "2026年")).hits[0])).toEqual(["２０２６年"]);
  });

  it("a zero-width space inside a word hides nothing, in the text or in the query", async () => {
    const result = await find(staff, "饮水安全工程");
    expect(result.byKind).toEqual({ research_finding: 1 });
    expect(text(result.hits[0])).toBe("农村饮\u200B水安全工程维护资金缺口较大");
    expect(marked(result.hits[0]).join("")).toBe("饮\u200B水安全工程");
    expect((await find(staff, "饮\u200B水安全")).total).toBe(1);
  });

  it("existing documents are folded again: an edit re-indexes, a migrated database is re-indexed", async () => {
    await t.db.updateTable("research_findings").set({ text: "ＡＢＣ水源地保护" }).execute();
    expect((await find(staff, "abc水源")).total).toBe(1);
    expect((await find(staff, "饮水安全")).total).toBe(0);
  });

  it("dates a hit by Beijing time: a report submitted at 00:30 on 1 July shows 1 July", async () => {
    const [hit] = (await find(staff, "光伏")).hits;
    expect(hit.at).toBe("2026-07-01");
  });

  it("files records by their inquiry's year, not the year they were written", async () => {
    const all = await find(staff, "扶贫");
    expect(all.total).toBe(4);
    expect((await find(staff, "扶贫", { year: 2020 })).total).toBe(4);
    expect((await find(staff, "扶贫", { year: 2026 })).total).toBe(0);
    // a new meeting date (held on the inquiry, copied to its meeting by the database) files them all again
    await t.db.updateTable("inquiries").set({ meeting_date: "2021-01-05" }).where("id", "=", inquiryId).execute();
    expect((await find(staff, "扶贫", { year: 2021 })).total).toBe(4);
  });

  it("never cuts an emoji in half in a snippet", async () => {
    const before = "😀".repeat(60);
    await t.db.insertInto("research_findings").values({ inquiry_id: inquiryId, text: `${before}医养结合${"🏥".repeat(200)}`, created_by: null, created_at: later }).execute();
    const [hit] = (await find(staff, "医养")).hits;
    for (const part of hit.snippet) expect(part.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(marked(hit)).toEqual(["医养"]);
    expect(text(hit)).toBe(`…${"😀".repeat(50)}医养结合${"🏥".repeat(96)}…`);
  });

  it("finds questioners, responding officials, chairs and organisations", async () => {
    expect((await find(staff, "马爱国")).byKind).toEqual({ exchange: 3 });
    expect((await find(staff, "杨吉喜")).byKind).toEqual({ exchange: 1 });
    expect((await find(staff, "李明")).byKind).toEqual({ exchange: 2 });
    expect((await find(staff, "王小平")).byKind).toEqual({ inquiry: 1 });
    // the department's name finds its exchanges and the items it leads
    expect((await find(staff, "教育局")).byKind).toEqual({ exchange: 2, rectification_item: 1 });
    expect((await find(staff, "温县")).byKind).toEqual({ survey_report: 1 });
    // a department still finds nothing of another department's
    expect((await find(dept(health), "教育局")).total).toBe(0);
    expect((await find(dept(health), "李明")).total).toBe(0);
    expect((await find(dept(education), "教育局")).byKind).toEqual({ exchange: 2, rectification_item: 1 });
    expect((await find(county(wenxian), "马爱国")).total).toBe(0);
  });

  it("narrows a result to one organisation", async () => {
    expect((await find(staff, "扶贫", { organizationId: education })).byKind).toEqual({ exchange: 2 });
    expect((await find(staff, "扶贫", { organizationId: health })).byKind).toEqual({ exchange: 1 });
    expect((await find(staff, "扶贫", { organizationId: wenxian })).byKind).toEqual({ survey_report: 1 });
    // renaming an organisation re-indexes what names it
    await t.db.updateTable("organizations").set({ name: "市教育和体育局" }).where("id", "=", education).execute();
    expect((await find(staff, "体育局")).byKind).toEqual({ exchange: 2, rectification_item: 1 });
  });

  it("sends a county to the published digest and a department to a transcript it may open", async () => {
    expect((await find(county(wenxian), "健康扶贫")).total).toBe(0);
    await t.db.updateTable("meetings").set({ digest_published_at: later }).execute();
    const [hit] = (await find(county(wenxian), "健康扶贫")).hits;
    expect(hit.href).toBe(`/public/inquiries/${inquiryId}`);
    const [other] = (await find(dept(education), "健康扶贫")).hits;
    expect(other.href).toBe(`/inquiries/${inquiryId}/meeting/departments/${health}`);
    const own = (await find(dept(education), "控辍保学", { kind: "exchange" })).hits[0];
    expect(own.href).toBe(`/inquiries/${inquiryId}/meeting/departments/${education}`);
    expect((await find({ role: "member", organizationId: null, organizationKind: null, memberInquiryIds: [inquiryId] }, "控辍保学", { kind: "exchange" })).hits[0].href).toMatch(/\/meeting#segment-\d+$/);
  });
});
