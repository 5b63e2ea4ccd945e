import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { rebuildSearchIndex } from "../../app/search/indexer.server";
import { loadFixture } from "../../db/seed/demo";
import { hashPassword } from "../../app/auth/password.server";
import { parseRichText } from "../../app/richtext/richtext.server";

/**
 * Deterministic synthetic data at a given scale, with Chinese text recombined from the real Jiaozuo
 * inquiry, so search runs on real character distributions. Same seed and size → same database.
 */
export interface Size {
  name: string;
  inquiries: number;
  exchangesPerInquiry: number;
  itemsPerInquiry: number;
  reportsPerItem: number;
  organizations: number;
  accounts: number;
}

export const SIZES: Record<string, Size> = {
  city: { name: "city", inquiries: 50, exchangesPerInquiry: 20, itemsPerInquiry: 100, reportsPerItem: 3, organizations: 60, accounts: 300 },
  province: { name: "province", inquiries: 1000, exchangesPerInquiry: 20, itemsPerInquiry: 100, reportsPerItem: 3, organizations: 300, accounts: 3000 },
  ten: { name: "ten", inquiries: 10000, exchangesPerInquiry: 20, itemsPerInquiry: 100, reportsPerItem: 3, organizations: 3000, accounts: 30000 },
};

/** mulberry32: a small, well-known seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["todo", "in_progress", "in_progress", "closure_requested", "closed", "closed", "closed", "carried_over"] as const;

export interface GenerateReport {
  size: string;
  inquiries: number;
  exchanges: number;
  items: number;
  progressReports: number;
  organizations: number;
  accounts: number;
  seconds: number;
  /** ids the benchmark uses */
  sample: { inquiryId: number; departmentUsername: string; departmentId: number; itemIds: number[]; publishedInquiryId: number };
}

export async function generate(db: Kysely<Database>, size: Size, seed = 20200922): Promise<GenerateReport> {
  const started = Date.now();
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const fixture = loadFixture();
  const sentences = fixture.topics
    .flatMap((t) => t.exchanges.flatMap((e) => [...e.answer.split("。"), ...e.question.split("。")]))
    .map((s) => s.trim())
    .filter((s) => s.length >= 8);
  const questions = fixture.topics.flatMap((t) => t.exchanges.map((e) => e.question));
  const keywords = fixture.topics.map((t) => ({ keyword: t.keyword, headline: t.headline }));
  const text = (min: number, max: number) => {
    const target = min + Math.floor(rand() * (max - min));
    let out = "";
    while (out.length < target) out += pick(sentences) + "。";
    return out.slice(0, max);
  };
  const rich = (t: string) => {
    const r = parseRichText(t, "plain", { label: "bench" });
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const now = new Date("2026-01-01T00:00:00Z").toISOString();
  // Pools of rendered texts: recombined afresh for each pool entry, picked at random for each record.
  const pool = (n: number, min: number, max: number) => Array.from({ length: n }, () => rich(text(min, max)));
  const answers = pool(2000, 300, 800);
  const progress = pool(3000, 80, 240);
  const questionPool = questions.map((q) => rich(q));

  // Bulk load without triggers (search index and notifications); the index is rebuilt at the end.
  const triggers = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'trigger'`.execute(db);
  for (const t of triggers.rows) await sql.raw(`drop trigger ${t.name}`).execute(db);

  const passwordHash = await hashPassword("xunwen-bench-Pass1");
  const depts: number[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < size.organizations; i++) {
      const kind = i === 0 ? "government" : i % 6 === 0 ? "county_congress" : "department";
      const row = await trx
        .insertInto("organizations")
        .values({ name: `基准单位${String(i + 1).padStart(5, "0")}`, kind, sort_order: i, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (kind !== "county_congress") depts.push(row.id);
    }
    const users = [];
    for (let i = 0; i < size.accounts; i++) {
      const role = i === 0 ? "admin" : i < 20 ? "staff" : i < 200 ? "member" : "department";
      users.push({
        username: `bench${i}`,
        display_name: `基准用户${i}`,
        role: role as "admin" | "staff" | "member" | "department",
        organization_id: role === "department" ? depts[i % depts.length] : null,
        password_hash: passwordHash,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
    }
    for (let i = 0; i < users.length; i += 200) await trx.insertInto("users").values(users.slice(i, i + 200)).execute();
  });

  let exchanges = 0;
  let items = 0;
  let progressReports = 0;
  const sampleItems: number[] = [];
  const firstDeptUser = await db.selectFrom("users").select(["username", "organization_id"]).where("role", "=", "department").orderBy("id").executeTakeFirstOrThrow();
  const sampleDept = firstDeptUser.organization_id!;

  for (let q = 0; q < size.inquiries; q++) {
    await db.transaction().execute(async (trx) => {
      const year = 2015 + (q % 11);
      const meetingDate = `${year}-${String(1 + (q % 12)).padStart(2, "0")}-${String(1 + (q % 27)).padStart(2, "0")}`;
      const plan = pick(progress);
      const inquiry = await trx
        .insertInto("inquiries")
        .values({
          title: `${pick(keywords).keyword}专题询问（${q + 1}）`,
          topic: pick(keywords).headline,
          congress: "基准市人大常委会",
          meeting_date: meetingDate,
          stage: q % 10 === 0 ? "closed" : "rectification",
          plan_json: plan.json,
          plan_text: plan.text,
          plan_html: plan.html,
          plan_status: "approved",
          outline_status: "issued",
          created_by: 1,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const meeting = await trx
        .insertInto("meetings")
        .values({ inquiry_id: inquiry.id, meeting_date: meetingDate, digest_title: `专题询问会摘要（${q + 1}）`, digest_published_at: now, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      const turns = [];
      for (let e = 0; e < size.exchangesPerInquiry; e++) {
        const kw = keywords[e % keywords.length];
        const dept = e === 0 ? sampleDept : pick(depts);
        const seg = await trx
          .insertInto("meeting_segments")
          .values({
            meeting_id: meeting.id,
            inquiry_id: inquiry.id,
            kind: "exchange",
            position: e + 1,
            keyword: kw.keyword,
            headline: kw.headline,
            questioner_name: `委员${e}`,
            questioner_role: "市人大常委会委员",
            department_id: dept,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const question = pick(questionPool);
        const answer = pick(answers);
        turns.push(
          { segment_id: seg.id, position: 1, kind: "question" as const, speaker_name: `委员${e}`, body_json: question.json, body_text: question.text, body_html: question.html, created_at: now, updated_at: now },
          { segment_id: seg.id, position: 2, kind: "answer" as const, speaker_name: "负责人", organization_id: dept, body_json: answer.json, body_text: answer.text, body_html: answer.html, created_at: now, updated_at: now },
        );
        exchanges++;
      }
      for (let i = 0; i < turns.length; i += 50) await trx.insertInto("meeting_turns").values(turns.slice(i, i + 50)).execute();

      const reports = [];
      for (let n = 0; n < size.itemsPerInquiry; n++) {
        const status = pick(STATUSES);
        const deadline = `${year + 1}-${String(1 + (n % 12)).padStart(2, "0")}-15`;
        const lead = n % 10 === 0 ? sampleDept : pick(depts);
        const item = await trx
          .insertInto("rectification_items")
          .values({
            inquiry_id: inquiry.id,
            number: n + 1,
            problem: text(30, 80),
            requirement: text(30, 80),
            lead_department_id: lead,
            deadline,
            original_deadline: deadline,
            status,
            closed_at: status === "closed" ? `${year + 1}-01-10T00:00:00.000Z` : null,
            created_by: 1,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (lead === sampleDept && status !== "closed" && status !== "carried_over" && sampleItems.length < 500) sampleItems.push(item.id);
        if (n % 3 === 0) await trx.insertInto("rectification_codepartments").values({ item_id: item.id, organization_id: pick(depts) }).onConflict((oc) => oc.doNothing()).execute();
        for (let r = 0; r < size.reportsPerItem; r++) {
          const body = pick(progress);
          reports.push({ item_id: item.id, inquiry_id: inquiry.id, organization_id: lead, author_id: null, body_json: body.json, body_text: body.text, body_html: body.html, created_at: now });
        }
        items++;
      }
      for (let i = 0; i < reports.length; i += 100) await trx.insertInto("progress_reports").values(reports.slice(i, i + 100)).execute();
      progressReports += reports.length;
    });
  }

  for (const t of triggers.rows) await sql.raw(t.sql).execute(db);
  await rebuildSearchIndex(db);
  await sql`analyze`.execute(db);
  return {
    size: size.name,
    inquiries: size.inquiries,
    exchanges,
    items,
    progressReports,
    organizations: size.organizations,
    accounts: size.accounts,
    seconds: Math.round((Date.now() - started) / 1000),
    sample: { inquiryId: 1, departmentUsername: firstDeptUser.username, departmentId: sampleDept, itemIds: sampleItems, publishedInquiryId: 1 },
  };
}
