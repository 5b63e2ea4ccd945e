import { resolveQuestioner } from "../roster/roster.server";
import { officialsFromSegment } from "./officials.server";
import type { TurnKind } from "../../db/schema";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { recordAudit, type Actor } from "../audit.server";
import { nowIso } from "../utils/time";
import { notVoided } from "../history/void.server";
import { SEGMENT_KIND_LABELS } from "./labels";
import { ANSWERING_UNIT_PROBLEM, type DB, isRespondingKind, pick, type Result, type Trx } from "./setup.server";
import { checkedText, insertTurns } from "./exchanges.server";

/**
 * The meeting record (询问会记录) as segments of turns: reading it, and editing, moving and deleting a segment.
 */

const SEGMENT_CONFLICT = "该条记录已被他人修改，请刷新页面查看最新内容后再保存。";

export async function loadRecord(db: DB | Trx, meetingId: number) {
  const segments = await db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .selectAll("s")
    .select("o.name as department_name")
    .where("s.meeting_id", "=", meetingId)
    // a voided exchange leaves the record, the digest and the Word document (the 已作废 view keeps it)
    .where(notVoided("s"))
    .orderBy("s.position")
    .orderBy("s.id")
    .execute();
  const turns = segments.length
    ? await db
        .selectFrom("meeting_turns as t")
        .leftJoin("organizations as o", "o.id", "t.organization_id")
        .selectAll("t")
        .select("o.name as organization_name")
        .where(
          "t.segment_id",
          "in",
          segments.map((s) => s.id),
        )
        .orderBy("t.segment_id", (ob) => ob.asc().nullsFirst())
        .orderBy("t.position")
        .orderBy("t.id")
        .execute()
    : [];
  return segments.map((s) => ({ ...s, turns: turns.filter((t) => t.segment_id === s.id) }));
}

export type RecordSegment = Awaited<ReturnType<typeof loadRecord>>[number];
export type RecordTurn = RecordSegment["turns"][number];

export async function getSegment(db: DB | Trx, segmentId: number) {
  const segment = await db
    .selectFrom("meeting_segments as s")
    .leftJoin("organizations as o", "o.id", "s.department_id")
    .selectAll("s")
    .select("o.name as department_name")
    .where("s.id", "=", segmentId)
    .executeTakeFirst();
  if (!segment) return undefined;
  const turns = await db
    .selectFrom("meeting_turns as t")
    .leftJoin("organizations as o", "o.id", "t.organization_id")
    .selectAll("t")
    .select("o.name as organization_name")
    .where("t.segment_id", "=", segmentId)
    .orderBy("t.position")
    .orderBy("t.id")
    .execute();
  return { ...segment, turns };
}

export interface TurnEdit {
  /** null: a new turn appended at the end */
  id: number | null;
  kind: TurnKind;
  speakerName: string;
  speakerTitle: string;
  organizationId: number | null;
  body: string;
  remove: boolean;
}

export interface SegmentEditInput {
  keyword: string;
  headline: string;
  questionerName: string;
  questionerRole: string;
  departmentId: number | null;
  turns: TurnEdit[];
}

/**
 * Corrects a segment afterwards: its keyword, headline, questioner and department, and each turn's speaker and
 * wording; turns may be added or removed (never the question, never one with correction proposals).
 */
export async function updateSegment(db: DB, actor: Actor, segmentId: number, version: number, input: SegmentEditInput): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await getSegment(trx, segmentId);
    if (!before) return { ok: false, field: "_form", message: "该条记录不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: SEGMENT_CONFLICT };
    const isExchange = before.kind === "exchange";
    if (isExchange) {
      if (!input.questionerName.trim()) return { ok: false, field: "questionerName", message: "请填写询问人姓名" };
      if (input.departmentId === null || !(await isRespondingKind(trx, input.departmentId))) return { ok: false, field: "departmentId", message: "请选择应询部门" };
    }
    const byId = new Map(before.turns.map((t) => [t.id, t]));
    // the units of answers (a government organ or department in an exchange; any existing unit for a speech)
    const turnOrgs = input.turns
      .filter((edit) => !edit.remove)
      .map((edit) => {
        const kind = edit.id !== null ? byId.get(edit.id)?.kind : edit.kind;
        return kind === "question" || kind === "follow_up" ? null : edit.organizationId;
      });
    const orgProblem = await organizationsProblem(
      trx,
      turnOrgs,
      isExchange ? { kinds: RESPONDING_KINDS, message: ANSWERING_UNIT_PROBLEM } : { message: "所选单位不存在" },
    );
    if (orgProblem) return { ok: false, field: "turns", message: orgProblem };
    const now = nowIso();
    const changes: { id: number; before: string; after: string }[] = [];
    let position = Math.max(0, ...before.turns.map((t) => t.position));
    for (const [index, edit] of input.turns.entries()) {
      const label = `第 ${index + 1} 段发言`;
      if (edit.id !== null) {
        const turn = byId.get(edit.id);
        if (!turn) return { ok: false, field: "turns", message: "记录中的发言已变化，请刷新页面后重试。" };
        if (edit.remove) {
          if (turn.kind === "question" || (turn.kind === "speech" && before.turns.length === 1)) return { ok: false, field: "turns", message: "询问内容和唯一的发言不能删除" };
          const corrected = await trx.selectFrom("turn_corrections").select("id").where("turn_id", "=", turn.id).executeTakeFirst();
          if (corrected) return { ok: false, field: "turns", message: `${label}已有部门提出的更正，不能删除` };
          await trx.deleteFrom("meeting_turns").where("id", "=", turn.id).execute();
          changes.push({ id: turn.id, before: turn.body_text, after: "（删除）" });
          continue;
        }
        const body = checkedText(edit.body, label);
        if (!body.ok) return { ok: false, field: "turns", message: body.message };
        if (!body.value.text) return { ok: false, field: "turns", message: `${label}不能为空；如需删除请勾选“删除”` };
        const same =
          body.value.text === turn.body_text &&
          edit.speakerName.trim() === turn.speaker_name &&
          edit.speakerTitle.trim() === turn.speaker_title &&
          edit.organizationId === turn.organization_id;
        if (same) continue;
        await trx
          .updateTable("meeting_turns")
          .set({
            speaker_name: edit.speakerName.trim(),
            speaker_title: edit.speakerTitle.trim(),
            organization_id: turn.kind === "question" || turn.kind === "follow_up" ? null : edit.organizationId,
            body_json: body.value.json,
            body_text: body.value.text,
            body_html: body.value.html,
            version: turn.version + 1,
            updated_at: now,
          })
          .where("id", "=", turn.id)
          .execute();
        changes.push({ id: turn.id, before: turn.body_text, after: body.value.text });
      } else {
        if (edit.remove || !edit.body.trim()) continue;
        if (!isExchange || !["follow_up", "answer", "supplementary"].includes(edit.kind)) return { ok: false, field: "turns", message: "只能为询问追加追问、回答或补充回答" };
        const body = checkedText(edit.body, label);
        if (!body.ok) return { ok: false, field: "turns", message: body.message };
        if (!edit.speakerName.trim()) return { ok: false, field: "turns", message: `请填写${label}的发言人` };
        await insertTurns(
          trx,
          segmentId,
          [
            {
              kind: edit.kind,
              speaker_name: edit.speakerName.trim(),
              speaker_title: edit.speakerTitle.trim(),
              organization_id: edit.kind === "follow_up" ? null : (edit.organizationId ?? input.departmentId),
              body: body.value,
            },
          ],
          ++position,
        );
        changes.push({ id: 0, before: "", after: body.value.text });
      }
    }
    const questioner = isExchange ? await resolveQuestioner(trx, actor, { name: input.questionerName, role: input.questionerRole, addToRoster: false }) : null;
    const segmentChanges = isExchange
      ? {
          keyword: input.keyword.trim(),
          headline: input.headline.trim(),
          questioner_user_id: questioner?.userId ?? null,
          questioner_name: input.questionerName.trim(),
          questioner_role: input.questionerRole.trim(),
          department_id: input.departmentId,
        }
      : {};
    await trx
      .updateTable("meeting_segments")
      .set({ ...segmentChanges, version: before.version + 1, updated_at: now })
      .where("id", "=", segmentId)
      .execute();
    // The question turn carries the questioner too.
    if (isExchange) {
      await trx
        .updateTable("meeting_turns")
        .set({ speaker_name: input.questionerName.trim(), speaker_title: input.questionerRole.trim() })
        .where("segment_id", "=", segmentId)
        .where("kind", "=", "question")
        .execute();
    }
    if (isExchange) await officialsFromSegment(trx, segmentId);
    await recordAudit(trx, actor, {
      action: "meeting.segment_update",
      entityType: "meeting_segment",
      entityId: segmentId,
      summary: `更正询问会记录 #${segmentId}（${SEGMENT_KIND_LABELS[before.kind]}${before.keyword ? `·${before.keyword}` : ""}）`,
      before: isExchange ? pick(before, ["keyword", "headline", "questioner_name", "questioner_role", "department_id"]) : undefined,
      after: { ...segmentChanges, turns: changes },
    });
    return { ok: true, id: segmentId };
  });
}

/** ↑/↓: swaps a segment with its neighbour in the record. */
export async function moveSegment(db: DB, actor: Actor, segmentId: number, direction: "up" | "down"): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const segment = await trx.selectFrom("meeting_segments").selectAll().where("id", "=", segmentId).executeTakeFirst();
    if (!segment) return { ok: false, field: "_form", message: "该条记录不存在" };
    let q = trx.selectFrom("meeting_segments").selectAll().where("meeting_id", "=", segment.meeting_id);
    q = direction === "up" ? q.where("position", "<", segment.position).orderBy("position", "desc") : q.where("position", ">", segment.position).orderBy("position", "asc");
    const neighbour = await q.limit(1).executeTakeFirst();
    if (!neighbour) return { ok: false, field: "_form", message: direction === "up" ? "已经是第一条" : "已经是最后一条" };
    const now = nowIso();
    await trx.updateTable("meeting_segments").set({ position: neighbour.position, updated_at: now }).where("id", "=", segment.id).execute();
    await trx.updateTable("meeting_segments").set({ position: segment.position, updated_at: now }).where("id", "=", neighbour.id).execute();
    await recordAudit(trx, actor, {
      action: "meeting.segment_move",
      entityType: "meeting_segment",
      entityId: segment.id,
      summary: `调整询问会记录顺序：#${segment.id} ${direction === "up" ? "上移" : "下移"}`,
      before: { position: segment.position },
      after: { position: neighbour.position },
    });
    return { ok: true, id: segment.id };
  });
}

/** Removes a segment entered by mistake; not once it has votes or correction proposals. */
export async function deleteSegment(db: DB, actor: Actor, segmentId: number, version: number): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const before = await getSegment(trx, segmentId);
    if (!before) return { ok: false, field: "_form", message: "该条记录不存在" };
    if (before.version !== version) return { ok: false, field: "_form", message: SEGMENT_CONFLICT };
    const vote = await trx.selectFrom("votes").select("id").where("segment_id", "=", segmentId).executeTakeFirst();
    if (vote) return { ok: false, field: "_form", message: "该条记录已开展满意度测评，不能删除" };
    const ids = before.turns.map((t) => t.id);
    const corrected = ids.length ? await trx.selectFrom("turn_corrections").select("id").where("turn_id", "in", ids).executeTakeFirst() : undefined;
    if (corrected) return { ok: false, field: "_form", message: "该条记录已有部门提出的更正，不能删除" };
    await trx.deleteFrom("meeting_segments").where("id", "=", segmentId).execute();
    await recordAudit(trx, actor, {
      action: "meeting.segment_delete",
      entityType: "meeting_segment",
      entityId: segmentId,
      summary: `删除询问会记录 #${segmentId}（${SEGMENT_KIND_LABELS[before.kind]}${before.questioner_name ? `·${before.questioner_name}` : ""}）`,
      before: { ...pick(before, ["kind", "keyword", "headline", "questioner_name", "department_id", "position"]), turns: before.turns.map((t) => `${t.speaker_name}：${t.body_text}`) },
    });
    return { ok: true, id: segmentId };
  });
}
