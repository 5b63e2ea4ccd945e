import * as staffEvents from "../queue/events.server";
import type { TurnKind } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import type { RichText } from "../richtext/richtext.server";
import { addDays, nowIso, todayInShanghai } from "../utils/time";
import type { DB } from "./setup.server";
import { loadRecord } from "./segments.server";
import type { Result } from "../utils/result";

/**
 * The record per department (a transcript of what it answered) and its corrections: departments propose
 * corrections within the correction window after the meeting; staff accept or decline them.
 */

/**
 * Every exchange one department answered (as the addressed department, or through an answer of its own), in
 * record order with all follow-ups.
 */
export async function departmentTranscript(db: DB, meetingId: number, organizationId: number) {
  const record = await loadRecord(db, meetingId);
  const segments = record.filter(
    (s) => s.kind === "exchange" && (s.department_id === organizationId || s.turns.some((t) => t.organization_id === organizationId)),
  );
  const turnIds = segments.flatMap((s) => s.turns.map((t) => t.id));
  const corrections = turnIds.length
    ? await db
        .selectFrom("turn_corrections as c")
        .leftJoin("users as p", "p.id", "c.proposed_by")
        .leftJoin("users as d", "d.id", "c.decided_by")
        .selectAll("c")
        .select(["p.display_name as proposed_by_name", "d.display_name as decided_by_name"])
        .where("c.turn_id", "in", turnIds)
        .orderBy("c.id")
        .execute()
    : [];
  return segments.map((s) => ({
    ...s,
    turns: s.turns.map((t) => ({ ...t, corrections: corrections.filter((c) => c.turn_id === t.id) })),
  }));
}

/** The departments that have a transcript in this meeting, with how many exchanges each. */
export async function transcriptDepartments(db: DB, meetingId: number) {
  const record = await loadRecord(db, meetingId);
  const counts = new Map<number, { id: number; name: string; exchanges: number }>();
  for (const s of record) {
    if (s.kind !== "exchange") continue;
    const ids = new Set<number>();
    if (s.department_id !== null) ids.add(s.department_id);
    for (const t of s.turns) if (t.organization_id !== null) ids.add(t.organization_id);
    for (const id of ids) {
      const name = s.department_id === id ? s.department_name : s.turns.find((t) => t.organization_id === id)?.organization_name;
      const entry = counts.get(id) ?? { id, name: name ?? "", exchanges: 0 };
      entry.exchanges++;
      counts.set(id, entry);
    }
  }
  return [...counts.values()];
}

/** The days in which a department may propose corrections: from the meeting day to meeting + correction_days. */
export function correctionWindow(meeting: { meeting_date: string | null; correction_days: number }): { from: string; until: string } | null {
  if (!meeting.meeting_date) return null;
  return { from: meeting.meeting_date, until: addDays(meeting.meeting_date, meeting.correction_days) };
}

export function isCorrectionOpen(meeting: { meeting_date: string | null; correction_days: number }, today: string): boolean {
  const w = correctionWindow(meeting);
  return !!w && today >= w.from && today <= w.until;
}

const CORRECTABLE: TurnKind[] = ["answer", "supplementary", "speech"];

/** A department proposes new wording for one of its own answers, within the correction window. */
export async function proposeCorrection(
  db: DB,
  actor: Actor,
  input: { turnId: number; organizationId: number; proposed: RichText; reason: string },
  today: string = todayInShanghai(),
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const turn = await trx
      .selectFrom("meeting_turns as t")
      .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
      .innerJoin("meetings as m", "m.id", "s.meeting_id")
      .select(["t.id", "t.kind", "t.organization_id", "t.body_html", "t.body_text", "t.speaker_name", "m.meeting_date", "m.correction_days", "s.id as segment_id"])
      .where("t.id", "=", input.turnId)
      .executeTakeFirst();
    if (!turn) return { ok: false, field: "_form", message: "该发言不存在" };
    if (turn.organization_id !== input.organizationId || !CORRECTABLE.includes(turn.kind)) {
      return { ok: false, field: "_form", message: "只能对本单位的答复提出更正" };
    }
    if (!isCorrectionOpen(turn, today)) {
      const w = correctionWindow(turn);
      return { ok: false, field: "_form", message: w ? `更正期限为 ${w.from} 至 ${w.until}，现已不能提出更正` : "询问会日期未定，暂不能提出更正" };
    }
    if (!input.proposed.text) return { ok: false, field: "proposed", message: "请填写更正后的文字" };
    if (input.proposed.text === turn.body_text) return { ok: false, field: "proposed", message: "更正后的文字与原文相同" };
    const pending = await trx.selectFrom("turn_corrections").select("id").where("turn_id", "=", turn.id).where("status", "=", "pending").executeTakeFirst();
    if (pending) return { ok: false, field: "_form", message: "该答复已有一项更正待审核，请等待审核结果" };
    const row = await trx
      .insertInto("turn_corrections")
      .values({
        turn_id: turn.id,
        department_id: input.organizationId,
        original_html: turn.body_html,
        original_text: turn.body_text,
        proposed_json: input.proposed.json,
        proposed_text: input.proposed.text,
        proposed_html: input.proposed.html,
        reason: input.reason.trim(),
        proposed_by: actor.id,
        proposed_at: nowIso(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      action: "correction.propose",
      entityType: "turn_correction",
      entityId: row.id,
      summary: `对询问会记录 #${turn.segment_id} 中${turn.speaker_name}的答复提出更正`,
      before: { text: turn.body_text },
      after: { text: input.proposed.text, reason: input.reason },
    });
    await staffEvents.correctionProposed(trx, row.id);
    return { ok: true, id: row.id };
  });
}

/**
 * Staff accept or reject a proposal. Accepting replaces the turn's wording; the proposal keeps the original, so
 * the record holds both versions and who decided.
 */
export async function decideCorrection(
  db: DB,
  actor: Actor,
  input: { correctionId: number; decision: "accept" | "reject"; note: string },
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const c = await trx.selectFrom("turn_corrections").selectAll().where("id", "=", input.correctionId).executeTakeFirst();
    if (!c) return { ok: false, field: "_form", message: "该更正不存在" };
    if (c.status !== "pending") return { ok: false, field: "_form", message: "该更正已经审核过了，请刷新页面查看结果。" };
    const turn = await trx.selectFrom("meeting_turns").selectAll().where("id", "=", c.turn_id).executeTakeFirstOrThrow();
    const now = nowIso();
    if (input.decision === "accept") {
      if (turn.body_text !== c.original_text) {
        return { ok: false, field: "_form", message: "提出更正后原文已被工作人员修改，请不予采纳并请部门按最新记录重新提出。" };
      }
      await trx
        .updateTable("meeting_turns")
        .set({ body_json: c.proposed_json, body_text: c.proposed_text, body_html: c.proposed_html, version: turn.version + 1, updated_at: now })
        .where("id", "=", turn.id)
        .execute();
      await trx
        .updateTable("meeting_segments")
        .set((eb) => ({ version: eb("version", "+", 1), updated_at: now }))
        .where("id", "=", turn.segment_id)
        .execute();
    }
    await trx
      .updateTable("turn_corrections")
      .set({ status: input.decision === "accept" ? "accepted" : "rejected", decided_by: actor.id, decided_at: now, decision_note: input.note.trim() })
      .where("id", "=", c.id)
      .execute();
    await recordAudit(trx, actor, {
      action: input.decision === "accept" ? "correction.accept" : "correction.reject",
      entityType: "turn_correction",
      entityId: c.id,
      summary: `${input.decision === "accept" ? "采纳" : "不予采纳"}对询问会记录 #${turn.segment_id} 的更正${input.note.trim() ? `：${input.note.trim()}` : ""}`,
      before: { status: "pending", text: turn.body_text },
      after: { status: input.decision === "accept" ? "accepted" : "rejected", text: input.decision === "accept" ? c.proposed_text : turn.body_text },
    });
    return { ok: true, id: c.id };
  });
}

export async function pendingCorrections(db: DB, meetingId: number) {
  return db
    .selectFrom("turn_corrections as c")
    .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .innerJoin("organizations as o", "o.id", "c.department_id")
    .select(["c.id", "c.department_id", "o.name as department_name", "c.proposed_at", "s.id as segment_id", "s.keyword", "t.id as turn_id", "t.speaker_name"])
    .where("s.meeting_id", "=", meetingId)
    .where("c.status", "=", "pending")
    .orderBy("c.id")
    .execute();
}

/** The turn (id, answering organisation) if it belongs to the meeting, else undefined: the guard of `proposeCorrection`. */
export async function turnOfMeeting(db: DB, meetingId: number, turnId: number) {
  return db
    .selectFrom("meeting_turns as t")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .select(["t.id", "t.organization_id"])
    .where("t.id", "=", turnId)
    .where("s.meeting_id", "=", meetingId)
    .executeTakeFirst();
}

/** The turn a correction proposes to change, if the correction belongs to the meeting: the guard of `decideCorrection`. */
export async function turnOfCorrection(db: DB, meetingId: number, correctionId: number) {
  const c = await db.selectFrom("turn_corrections").select("turn_id").where("id", "=", correctionId).executeTakeFirst();
  return c ? turnOfMeeting(db, meetingId, c.turn_id) : undefined;
}
