import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createInquiry, updateInquiry } from "../inquiries/inquiries.server";
import { voidRecord } from "../history/void.server";
import { evidence, makeExchange, makeItem, makeWorld, rich, type World } from "../rectification/fixtures.test-helpers";
import { getItem, updateItem } from "../rectification/items.server";
import { addProgressReport, requestClosure, staffActOnItem } from "../rectification/progress.server";
import { OPEN_ITEM_STATUSES } from "../rectification/labels";
import { approvePlanForTest } from "../test/db";
import { addDays, nowIso, todayInShanghai } from "../utils/time";
import type { DB } from "../../db/client";
import { shanghaiDateSql } from "../../db/dates";

/**
 * The counters of migration 0050 (organization_item_counts, organization_open_deadlines) against a full
 * recount from the items themselves, after a mixed sequence of writes through the domain functions: create,
 * progress (todo → in progress), closure requested and closed, returned, carried over and undone, lead and
 * co-departments edited, an item voided, an inquiry voided, a back-entered inquiry and its mark removed, a
 * closing instant rewritten, an item deleted.
 */
async function recount(db: DB) {
  const liveItem = sql<boolean>`i.voided_at is null and not exists (select 1 from inquiries q where q.id = i.inquiry_id and q.voided_at is not null)`;
  const lead = await db
    .selectFrom("rectification_items as i")
    .select([
      "i.lead_department_id as organization_id",
      "i.status",
      (eb) => eb.fn.countAll<number>().as("items"),
      sql<number>`sum(case when i.status = 'closed' and ${shanghaiDateSql(db, "i.closed_at")} <= i.deadline then 1 else 0 end)`.as("on_time"),
    ])
    .where(liveItem)
    .groupBy(["i.lead_department_id", "i.status"])
    .execute();
  const co = await db
    .selectFrom("rectification_items as i")
    .innerJoin("rectification_codepartments as c", "c.item_id", "i.id")
    .select(["c.organization_id", "i.status", (eb) => eb.fn.countAll<number>().as("items")])
    .where(liveItem)
    .whereRef("c.organization_id", "<>", "i.lead_department_id")
    .groupBy(["c.organization_id", "i.status"])
    .execute();
  const deadlines = await db
    .selectFrom("rectification_items as i")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select(["i.lead_department_id as organization_id", "i.deadline", sql<number>`case when q.back_entry = 1 then 0 else 1 end`.as("live_work"), (eb) => eb.fn.countAll<number>().as("items")])
    .where(liveItem)
    .where("i.status", "in", OPEN_ITEM_STATUSES)
    .groupBy(["i.lead_department_id", "i.deadline", "q.back_entry"])
    .execute();
  return {
    counts: [
      ...lead.map((r) => `${r.organization_id}|lead|${r.status}|${r.items}|${r.on_time}`),
      ...co.map((r) => `${r.organization_id}|co|${r.status}|${r.items}|0`),
    ].sort(),
    deadlines: deadlines.map((r) => `${r.organization_id}|${r.deadline}|${r.live_work}|${r.items}`).sort(),
  };
}

async function counters(db: DB) {
  const counts = await db.selectFrom("organization_item_counts").selectAll().where("items", "<>", 0).execute();
  const deadlines = await db.selectFrom("organization_open_deadlines").selectAll().where("items", "<>", 0).execute();
  return {
    counts: counts.map((r) => `${r.organization_id}|${r.role}|${r.status}|${r.items}|${r.on_time}`).sort(),
    deadlines: deadlines.map((r) => `${r.organization_id}|${r.deadline}|${r.live_work}|${r.items}`).sort(),
  };
}

describe("item counters kept by triggers", () => {
  let w: World;
  beforeEach(async () => {
    w = await makeWorld();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  const expectInStep = async () => {
    const kept = await counters(w.t.db);
    expect(kept).toEqual(await recount(w.t.db));
    return kept;
  };
  const version = async (id: number) => (await getItem(w.t.db, id))!.version;
  const ok = (r: { ok: boolean; message?: string }) => expect(r, r.ok ? "" : (r as { message?: string }).message).toMatchObject({ ok: true });

  it("match a full recount after every kind of write", async () => {
    const today = todayInShanghai();
    // created: lead A with co B; lead B alone; lead A with co C; lead C with co A
    const a = await makeItem(w, { deadline: addDays(today, 10) });
    const b = await makeItem(w, { leadDepartmentId: w.orgB, coDepartmentIds: [], deadline: addDays(today, 40) });
    const c = await makeItem(w, { coDepartmentIds: [w.orgC], deadline: addDays(today, 10) });
    const d = await makeItem(w, { leadDepartmentId: w.orgC, coDepartmentIds: [w.orgA], deadline: addDays(today, 70) });
    let kept = await expectInStep();
    expect(kept.counts).toContain(`${w.orgA}|lead|todo|2|0`);
    expect(kept.counts).toContain(`${w.orgA}|co|todo|1|0`);

    // progress: todo → in progress
    ok(await addProgressReport(w.t.db, w.deptA.actor, { itemId: a, organizationId: w.orgA, body: rich("已完成入户核查"), files: [] }));
    await expectInStep();
    // closure requested, then closed by staff; another returned; another carried over and the carry-over undone
    ok(await requestClosure(w.t.db, w.deptA.actor, { itemId: a, version: await version(a), organizationId: w.orgA, body: rich("已整改到位"), files: [evidence()] }));
    ok(await staffActOnItem(w.t.db, w.staff.actor, { itemId: a, version: await version(a), action: "close", comment: "同意销号", confirmed: true }));
    ok(await addProgressReport(w.t.db, w.deptB.actor, { itemId: b, organizationId: w.orgB, body: rich("正在整改"), files: [] }));
    ok(await requestClosure(w.t.db, w.deptB.actor, { itemId: b, version: await version(b), organizationId: w.orgB, body: rich("已整改到位"), files: [evidence()] }));
    ok(await staffActOnItem(w.t.db, w.staff.actor, { itemId: b, version: await version(b), action: "return", comment: "佐证不足" }));
    ok(await staffActOnItem(w.t.db, w.staff.actor, { itemId: d, version: await version(d), action: "carry_over", comment: "结转", confirmed: true }));
    kept = await expectInStep();
    expect(kept.counts).toContain(`${w.orgA}|lead|closed|1|1`);
    ok(await staffActOnItem(w.t.db, w.staff.actor, { itemId: d, version: await version(d), action: "undo_carry_over", comment: "误操作", confirmed: true }));
    await expectInStep();

    // lead and co-departments edited (co rows deleted and inserted again)
    ok(await updateItem(w.t.db, w.staff.actor, { id: c, version: await version(c), problem: "问题", requirement: "要求", leadDepartmentId: w.orgB, coDepartmentIds: [w.orgA] }));
    await expectInStep();
    // the deadline moved (as an approved extension does), and a closing instant on the Beijing day after the deadline
    await w.t.db.updateTable("rectification_items").set({ deadline: addDays(today, 20) }).where("id", "=", b).execute();
    await w.t.db.updateTable("rectification_items").set({ closed_at: "2026-06-30T16:30:00.000Z", deadline: "2026-06-30" }).where("id", "=", a).execute();
    kept = await expectInStep();
    expect(kept.counts).toContain(`${w.orgA}|lead|closed|1|0`);

    // an item voided
    ok(await voidRecord(w.t.db, w.staff.actor, { kind: "item", id: d, reason: "重复录入" }));
    await expectInStep();

    // a back-entered inquiry with items, then its mark removed (its open items become live work)
    const past = await createInquiry(w.t.db, w.staff.actor, {
      title: "往年专题询问",
      topic: "",
      congress: "焦作市人大常委会",
      sessionName: "",
      organizingBody: "",
      meetingDate: "2019-09-22",
      legalBasis: "",
      notes: "",
      respondingOrganizationIds: [w.gov, w.orgA, w.orgB],
      backEntry: true,
    });
    if (!past.ok) throw new Error(past.message);
    await approvePlanForTest(w.t.db, past.id);
    const pastItem = await makeItem({ ...w, inquiryId: past.id }, { deadline: addDays(today, 5), coDepartmentIds: [w.orgC] });
    kept = await expectInStep();
    expect(kept.deadlines).toContain(`${w.orgA}|${addDays(today, 5)}|0|1`);
    const inquiryVersion = async (id: number) => (await w.t.db.selectFrom("inquiries").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version;
    ok(
      await updateInquiry(w.t.db, w.staff.actor, past.id, await inquiryVersion(past.id), {
        title: "往年专题询问",
        topic: "",
        congress: "焦作市人大常委会",
        sessionName: "",
        organizingBody: "",
        meetingDate: "2019-09-22",
        legalBasis: "",
        notes: "",
        respondingOrganizationIds: [w.gov, w.orgA, w.orgB],
        backEntry: false,
      }),
    );
    kept = await expectInStep();
    expect(kept.deadlines).toContain(`${w.orgA}|${addDays(today, 5)}|1|1`);

    // the whole inquiry voided: its items leave every counter; restored (as a repair would): they come back
    ok(await voidRecord(w.t.db, w.staff.actor, { kind: "inquiry", id: past.id, reason: "录入错误" }));
    kept = await expectInStep();
    expect(kept.counts.filter((r) => r.startsWith(`${w.orgC}|co|`))).toEqual([]);
    await w.t.db.updateTable("inquiries").set({ voided_at: null }).where("id", "=", past.id).execute();
    await expectInStep();

    // an item deleted (no page deletes items; a database repair might): its co-department rows go with it
    await w.t.db.deleteFrom("rectification_items").where("id", "=", pastItem).execute();
    kept = await expectInStep();
    expect(kept.counts.filter((r) => r.startsWith(`${w.orgC}|co|`))).toEqual([]);
  });

  /** organization_meetings (migration 0051) against its definition: live exchanges the organisation answered, per meeting. */
  async function meetingsRecount(db: DB) {
    const rows = await db
      .selectFrom("meeting_segments as s")
      .innerJoin("organizations as o", (join) =>
        join.on((eb) => eb.or([eb("o.id", "=", eb.ref("s.department_id")), eb.exists(eb.selectFrom("meeting_turns as t").select("t.id").whereRef("t.segment_id", "=", "s.id").whereRef("t.organization_id", "=", "o.id"))])),
      )
      .innerJoin("meetings as m", "m.id", "s.meeting_id")
      .select(["o.id", "s.meeting_id", "m.meeting_date", (eb) => eb.fn.countAll<number>().as("n")])
      .where("s.kind", "=", "exchange")
      .where("s.voided_at", "is", null)
      .where(sql<boolean>`not exists (select 1 from inquiries q where q.id = s.inquiry_id and q.voided_at is not null)`)
      .groupBy(["o.id", "s.meeting_id", "m.meeting_date"])
      .execute();
    return rows.map((r) => `${r.id}|${r.meeting_id}|${r.meeting_date}|${r.n}`).sort();
  }
  async function meetingsKept(db: DB) {
    return (await db.selectFrom("organization_meetings").selectAll().execute()).map((r) => `${r.organization_id}|${r.meeting_id}|${r.meeting_date}|${r.exchanges}`).sort();
  }
  const meetingsInStep = async () => {
    const kept = await meetingsKept(w.t.db);
    expect(kept).toEqual(await meetingsRecount(w.t.db));
    return kept;
  };

  it("keep each organisation's meetings in step with the exchanges it answered", async () => {
    const now = nowIso();
    const s1 = await makeExchange(w, w.inquiryId, w.orgA);
    const s2 = await makeExchange(w, w.inquiryId, w.orgA);
    const s3 = await makeExchange(w, w.inquiryId, w.orgB);
    let kept = await meetingsInStep();
    const meeting = (await w.t.db.selectFrom("meeting_segments").select("meeting_id").where("id", "=", s1).executeTakeFirstOrThrow()).meeting_id;
    expect(kept).toContain(`${w.orgA}|${meeting}|2020-09-22|2`);
    // one of C's people speaks in A's exchange; a second turn by C in it counts the exchange once
    const turn = { position: 3, kind: "answer" as const, speaker_name: "王", speaker_title: "局长", created_at: now, updated_at: now };
    await w.t.db.insertInto("meeting_turns").values([{ ...turn, segment_id: s1, organization_id: w.orgC }, { ...turn, position: 4, segment_id: s1, organization_id: w.orgC }]).execute();
    kept = await meetingsInStep();
    expect(kept).toContain(`${w.orgC}|${meeting}|2020-09-22|1`);
    // one of C's turns deleted: still answered; its organisation changed to nobody: C no longer answered
    const cTurns = await w.t.db.selectFrom("meeting_turns").select("id").where("segment_id", "=", s1).where("organization_id", "=", w.orgC).execute();
    await w.t.db.deleteFrom("meeting_turns").where("id", "=", cTurns[0].id).execute();
    await meetingsInStep();
    await w.t.db.updateTable("meeting_turns").set({ organization_id: null }).where("id", "=", cTurns[1].id).execute();
    kept = await meetingsInStep();
    expect(kept.filter((r) => r.startsWith(`${w.orgC}|`))).toEqual([]);
    // the exchange's department changed; a segment re-kinded; the meeting's date moved
    await w.t.db.updateTable("meeting_segments").set({ department_id: w.orgC }).where("id", "=", s2).execute();
    await w.t.db.updateTable("meeting_segments").set({ kind: "commitment" }).where("id", "=", s3).execute();
    // (the meeting's date is a copy of the inquiry's, migration 0011: changed through the inquiry)
    await w.t.db.updateTable("inquiries").set({ meeting_date: "2020-10-01" }).where("id", "=", w.inquiryId).execute();
    expect(await meetingsInStep()).toContain(`${w.orgC}|${meeting}|2020-10-01|1`);
    await meetingsInStep();
    await w.t.db.updateTable("meeting_segments").set({ kind: "exchange" }).where("id", "=", s3).execute();
    await meetingsInStep();
    // a segment voided; the inquiry voided and restored; a segment deleted (its turns go with it)
    ok(await voidRecord(w.t.db, w.staff.actor, { kind: "segment", id: s2, reason: "重复录入" }));
    await meetingsInStep();
    ok(await voidRecord(w.t.db, w.staff.actor, { kind: "inquiry", id: w.inquiryId, reason: "录入错误" }));
    expect(await meetingsInStep()).toEqual([]);
    await w.t.db.updateTable("inquiries").set({ voided_at: null }).where("id", "=", w.inquiryId).execute();
    expect((await meetingsInStep()).length).toBeGreaterThan(0);
    await w.t.db.deleteFrom("meeting_segments").where("id", "=", s1).execute();
    await meetingsInStep();
    await w.t.db.deleteFrom("meeting_segments").where("id", "=", s3).execute();
    expect(await meetingsInStep()).toEqual([]);
  });
});
