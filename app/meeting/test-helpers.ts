/**
 * Shared set-up of the meeting tests (vitest only): an inquiry with two departments, a government, a meeting,
 * and outline rows written directly (the outline stage's own code is not needed to read them).
 */
import { sql } from "kysely";
import type { DB } from "../../db/client";
import { SYSTEM_ACTOR } from "../audit.server";
import { createInquiry } from "../inquiries/inquiries.server";
import { approvePlanForTest, createTestDb, makeOrganization, makeUser, tableNames, type TestDb, type TestUser } from "../test/db";
import { nowIso } from "../utils/time";
import { recordExchange, type ExchangeInput } from "./exchanges.server";
import { saveMeetingSetup, type MeetingSetupInput } from "./setup.server";
import { afterEach, beforeEach } from "vitest";

export interface MeetingWorld {
  staff: TestUser;
  inquiryId: number;
  meetingId: number;
  government: number;
  health: number;
  education: number;
}

export const SETUP: MeetingSetupInput = {
  meetingDate: "2020-09-22",
  place: "会议室",
  sessionName: "第十二次会议",
  chairName: "",
  chairTitle: "",
  governmentOrganizationId: null,
  governmentResponderName: "武磊",
  governmentResponderTitle: "副市长",
  voteMode: "answer",
  voteSecret: true,
  correctionDays: 7,
};

/**
 * `given`: the staff account and organisations made by the caller (a test on an old schema inserts them as that
 * schema held them; today's createUser and createOrganization write columns of later migrations).
 */
export async function makeMeetingWorld(
  db: DB,
  setup: Partial<MeetingSetupInput> = {},
  given?: { staff: MeetingWorld["staff"]; government: number; health: number; education: number },
): Promise<MeetingWorld> {
  const staff = given?.staff ?? (await makeUser(db, { role: "staff" }));
  const government = given?.government ?? (await makeOrganization(db, { name: `市政府${Math.random()}`, kind: "government" }));
  const health = given?.health ?? (await makeOrganization(db, { name: `市卫生健康委员会${Math.random()}`, kind: "department" }));
  const education = given?.education ?? (await makeOrganization(db, { name: `市教育局${Math.random()}`, kind: "department" }));
  const created = await createInquiry(db, staff.actor, {
    title: "测试询问",
    topic: "",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody: "",
    meetingDate: "2020-09-22",
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [government, health, education],
  });
  if (!created.ok) throw new Error(created.message);
  await approvePlanForTest(db, created.id);
  const meeting = await saveMeetingSetup(db, SYSTEM_ACTOR, created.id, null, { ...SETUP, governmentOrganizationId: government, ...setup });
  if (!meeting.ok) throw new Error(meeting.message);
  return { staff, inquiryId: created.id, meetingId: meeting.id, government, health, education };
}

/** Writes outline keywords and questions directly, as the outline stage would store them. */
export async function addOutline(db: DB, inquiryId: number, keywords: { keyword: string; headline?: string; position: number; questions: { text: string; departmentId: number; position: number; questioner?: string }[] }[]) {
  const now = nowIso();
  const ids: Record<string, number> = {};
  for (const k of keywords) {
    const kw = await db
      .insertInto("outline_keywords")
      .values({ inquiry_id: inquiryId, keyword: k.keyword, headline: k.headline ?? "", position: k.position, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const q of k.questions) {
      const row = await db
        .insertInto("outline_questions")
        .values({
          inquiry_id: inquiryId,
          keyword_id: kw.id,
          text: q.text,
          department_id: q.departmentId,
          questioner_name: q.questioner ?? "马爱国",
          questioner_role: "市人大常委会委员",
          position: q.position,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids[q.text] = row.id;
    }
  }
  return ids;
}

export function exchange(w: MeetingWorld, over: Partial<ExchangeInput> = {}): ExchangeInput {
  return {
    outlineQuestionId: null,
    keyword: "健康扶贫",
    headline: "让贫困群众看得起病看得好病",
    questionerUserId: null,
    questionerName: "赵朝阳",
    questionerRole: "市人大常委会委员",
    departmentId: w.health,
    question: "患病是致贫返贫的重要原因。",
    responderName: "杨吉喜",
    responderTitle: "主任",
    responderOrganizationId: w.health,
    answer: "健康扶贫工作开展以来……",
    chain: [],
    ...over,
  };
}

export async function recordOne(db: DB, w: MeetingWorld, over: Partial<ExchangeInput> = {}): Promise<number> {
  const r = await recordExchange(db, w.staff.actor, w.meetingId, exchange(w, over));
  if (!r.ok) throw new Error(r.message);
  return r.id;
}

/**
 * Every row of every table (as app/test/db.ts snapshot(), but tolerant of tables without a rowid, such as the
 * full-text index's shadow tables): compare two to prove a refused operation changed nothing.
 */
export async function snapshotAll(db: DB): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of await tableNames(db)) {
    try {
      result[table] = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by rowid`.execute(db)).rows;
    } catch {
      result[table] = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    }
  }
  return result;
}

/** Registers a fresh test database and meeting world per test: read `ctx.t` and `ctx.w` inside the tests. */
export function useMeetingWorld(): { t: TestDb; w: MeetingWorld } {
  const ctx = {} as { t: TestDb; w: MeetingWorld };
  beforeEach(async () => {
    ctx.t = await createTestDb();
    ctx.w = await makeMeetingWorld(ctx.t.db);
  });
  afterEach(async () => {
    await ctx.t.cleanup();
  });
  return ctx;
}
