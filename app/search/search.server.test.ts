import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/session.server";
import { createTestDb, makeOrganization, type TestDb } from "../test/db";
import { bigrams, makeSnippet, parseSearchQuery, search } from "./search.server";

type Who = Pick<CurrentUser, "role" | "organizationId" | "organizationKind" | "memberInquiryIds">;
const now = "2026-01-01T00:00:00.000Z";

describe("parseSearchQuery", () => {
  it("turns words into bigram phrases joined by AND; quoted phrases stay whole", () => {
    expect(bigrams("医养中心")).toEqual(["医养", "养中", "中心"]);
    expect(parseSearchQuery("医养")).toEqual({ ok: true, terms: ["医养"], match: '"医养"' });
    expect(parseSearchQuery('贫困 "稳岗就业"')).toEqual({ ok: true, terms: ["贫困", "稳岗就业"], match: '"贫困" AND "稳岗 岗就 就业"' });
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
