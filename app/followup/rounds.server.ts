import { lockRow, writeTransaction } from "../../db/transactions";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, RoundKind } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { ITEM_STATUS_LABELS, OPEN_ITEM_STATUSES } from "../rectification/labels";
import { isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { ROUND_KIND_LABELS, ROUND_KINDS } from "./labels";

/**
 * 跟踪监督 / 回头看 — follow-up rounds (issue 21, docs/decisions/0132). A later round is an inquiry of its own,
 * linked to the round before (`previous_round_id`), so its meeting, record, votes, digest and ledger stand beside
 * the first round's with every existing rule. Starting a round continues the earlier round's open and carried-over
 * items into it: each becomes a new item of the new round (`carried_from_item_id`), and an open one is carried
 * over (结转) in the earlier round with the reason, so no item is tracked twice and each round's ledger stays true.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface RoundRow {
  id: number;
  title: string;
  roundNumber: number;
  roundKind: RoundKind;
  kindLabel: string;
  meetingDate: string | null;
  stage: string;
  digestPublished: boolean;
  votes: number;
  items: number;
  openItems: number;
}

/** Every round of the inquiry's chain, first to last (the inquiry itself included; one row when it has no other). */
export async function roundChain(db: Db, inquiryId: number): Promise<RoundRow[]> {
  // back to the first round, then forward along the chain (a round has at most one next)
  let rootId = inquiryId;
  for (let guard = 0; guard < 100; guard++) {
    const r = await db.selectFrom("inquiries").select("previous_round_id").where("id", "=", rootId).executeTakeFirst();
    if (!r?.previous_round_id) break;
    rootId = r.previous_round_id;
  }
  const ids: number[] = [rootId];
  for (let guard = 0; guard < 100; guard++) {
    const next = await db.selectFrom("inquiries").select("id").where("previous_round_id", "=", ids[ids.length - 1]).executeTakeFirst();
    if (!next) break;
    ids.push(next.id);
  }
  const rows = await db
    .selectFrom("inquiries as q")
    .leftJoin("meetings as m", "m.inquiry_id", "q.id")
    .select([
      "q.id",
      "q.title",
      "q.round_number",
      "q.round_kind",
      "q.meeting_date",
      "q.stage",
      "m.digest_published_at",
      sql<number>`(select count(*) from votes v where v.inquiry_id = q.id)`.as("votes"),
      sql<number>`(select count(*) from rectification_items i where i.inquiry_id = q.id)`.as("items"),
      sql<number>`(select count(*) from rectification_items i where i.inquiry_id = q.id and i.status in ('todo', 'in_progress', 'closure_requested'))`.as("open_items"),
    ])
    .where("q.id", "in", ids)
    .execute();
  return ids
    .map((id) => rows.find((r) => r.id === id)!)
    .filter(Boolean)
    .map((r) => ({
      id: r.id,
      title: r.title,
      roundNumber: r.round_number,
      roundKind: r.round_kind,
      kindLabel: ROUND_KIND_LABELS[r.round_kind] ?? r.round_kind,
      meetingDate: r.meeting_date,
      stage: r.stage,
      digestPublished: !!r.digest_published_at,
      votes: Number(r.votes),
      items: Number(r.items),
      openItems: Number(r.open_items),
    }));
}

/** The items a next round would continue: open or carried over, not yet continued. */
export async function inheritableItems(db: Db, inquiryId: number) {
  return db
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.id", "i.number", "i.problem", "i.status", "i.deadline", "o.name as lead_name"])
    .where("i.inquiry_id", "=", inquiryId)
    .where("i.status", "in", [...OPEN_ITEM_STATUSES, "carried_over"])
    .where((eb) => eb.not(eb.exists(eb.selectFrom("rectification_items as n").select("n.id").whereRef("n.carried_from_item_id", "=", "i.id"))))
    .orderBy("i.number")
    .execute();
}

export interface RoundInput {
  fromInquiryId: number;
  kind: RoundKind;
  title: string;
  meetingDate: string;
  /** the deadline of the continued items in the new round */
  deadline: string;
  itemIds: number[];
}

export type RoundResult = { ok: true; id: number; items: number } | { ok: false; field: string; message: string };

/**
 * Starts the next round after `fromInquiryId` (which must be the chain's latest round): a new inquiry with the
 * earlier round's topic, bodies and responding organisations, and the chosen items continued into it. All or
 * nothing; audited (the new inquiry, each item carried over and continued).
 */
export async function startRound(db: Kysely<Database>, actor: Actor, input: RoundInput): Promise<RoundResult> {
  const title = input.title.trim();
  if (!ROUND_KINDS.includes(input.kind)) return { ok: false, field: "kind", message: "请选择本轮方式" };
  if (!title) return { ok: false, field: "title", message: "请填写本轮名称" };
  if (title.length > 200) return { ok: false, field: "title", message: "本轮名称不能超过 200 个字" };
  if (input.meetingDate && !isCalendarDate(input.meetingDate)) return { ok: false, field: "meetingDate", message: "日期格式不正确，请按“年-月-日”填写" };
  if (input.itemIds.length && !isCalendarDate(input.deadline)) return { ok: false, field: "deadline", message: "请填写承接事项的整改时限（年-月-日）" };
  if (input.itemIds.length && input.deadline < todayInShanghai()) return { ok: false, field: "deadline", message: "整改时限不能早于今天" };
  return writeTransaction(db, async (trx): Promise<RoundResult> => {
    // parent before child (decision 0175): the earlier round (one next round only), then the items carried over
    await lockRow(trx, "inquiries", input.fromInquiryId);
    await lockRow(trx, "rectification_items", ...input.itemIds);
    const from = await trx.selectFrom("inquiries").selectAll().where("id", "=", input.fromInquiryId).executeTakeFirst();
    if (!from) return { ok: false, field: "_form", message: "该专题询问不存在" };
    const next = await trx.selectFrom("inquiries").select(["id", "title"]).where("previous_round_id", "=", from.id).executeTakeFirst();
    if (next) return { ok: false, field: "_form", message: `「${from.title}」已有下一轮「${next.title}」，请从最新一轮开展跟踪监督` };
    const allowed = await inheritableItems(trx, from.id);
    const chosen = [...new Set(input.itemIds)];
    const unknown = chosen.filter((id) => !allowed.some((a) => a.id === id));
    if (unknown.length) return { ok: false, field: "itemIds", message: "所选事项中有已办结、已承接或不属于本轮的事项，请刷新页面后重新选择" };
    const now = nowIso();
    const roundNumber = from.round_number + 1;
    const row = await trx
      .insertInto("inquiries")
      .values({
        title,
        topic: from.topic,
        congress: from.congress,
        session_name: "",
        organizing_body: from.organizing_body,
        meeting_date: input.meetingDate || null,
        legal_basis: from.legal_basis,
        notes: "",
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        previous_round_id: from.id,
        round_number: roundNumber,
        round_kind: input.kind,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const orgs = await trx.selectFrom("inquiry_organizations").select("organization_id").where("inquiry_id", "=", from.id).execute();
    for (const o of orgs) await trx.insertInto("inquiry_organizations").values({ inquiry_id: row.id, organization_id: o.organization_id }).execute();
    await recordAudit(trx, actor, {
      action: "inquiry.round_start",
      entityType: "inquiry",
      entityId: row.id,
      summary: `「${from.title}」开展第 ${roundNumber} 轮${ROUND_KIND_LABELS[input.kind]}「${title}」，承接整改事项 ${chosen.length} 项`,
      after: { ...input, title, roundNumber },
    });
    let number = 0;
    for (const itemId of allowed.map((a) => a.id).filter((id) => chosen.includes(id))) {
      const old = await trx.selectFrom("rectification_items").selectAll().where("id", "=", itemId).executeTakeFirstOrThrow();
      number++;
      const created = await trx
        .insertInto("rectification_items")
        .values({
          inquiry_id: row.id,
          number,
          problem: old.problem,
          requirement: old.requirement,
          lead_department_id: old.lead_department_id,
          deadline: input.deadline,
          original_deadline: input.deadline,
          status: "todo",
          source_type: "manual",
          source_id: null,
          plan_label: old.plan_label,
          plan_paragraph: old.plan_paragraph,
          carried_from_item_id: old.id,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const co = await trx.selectFrom("rectification_codepartments").select("organization_id").where("item_id", "=", old.id).execute();
      for (const c of co) await trx.insertInto("rectification_codepartments").values({ item_id: created.id, organization_id: c.organization_id }).execute();
      await trx
        .insertInto("item_events")
        .values({ item_id: created.id, action: "carried_in", comment: `承接第 ${from.round_number} 轮「${from.title}」第 ${old.number} 项（${ITEM_STATUS_LABELS[old.status]}），整改时限 ${input.deadline}`, actor_id: actor.id, actor_label: actor.label, at: now })
        .execute();
      if (OPEN_ITEM_STATUSES.includes(old.status)) {
        const reason = `转入第 ${roundNumber} 轮「${title}」继续督办`;
        await trx.updateTable("rectification_items").set({ status: "carried_over", carried_over_reason: reason, version: old.version + 1, updated_at: now }).where("id", "=", old.id).execute();
        await trx.insertInto("item_events").values({ item_id: old.id, action: "carried_over", comment: reason, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
      } else {
        await trx.insertInto("item_events").values({ item_id: old.id, action: "continued", comment: `由第 ${roundNumber} 轮「${title}」第 ${number} 项继续督办`, actor_id: actor.id, actor_label: actor.label, at: now }).execute();
      }
      await recordAudit(trx, actor, {
        action: "rectification.carry_into_round",
        entityType: "rectification_item",
        entityId: created.id,
        summary: `第 ${from.round_number} 轮第 ${old.number} 项转入第 ${roundNumber} 轮，为第 ${number} 项`,
        before: { itemId: old.id, status: old.status },
        after: { itemId: created.id, inquiryId: row.id, deadline: input.deadline },
      });
    }
    return { ok: true, id: row.id, items: number };
  });
}

/** Every round an item went through: its ancestors and continuations, first round first, each with its history. */
export async function itemRounds(db: Db, itemId: number) {
  let first = itemId;
  for (let guard = 0; guard < 100; guard++) {
    const r = await db.selectFrom("rectification_items").select("carried_from_item_id").where("id", "=", first).executeTakeFirst();
    if (!r?.carried_from_item_id) break;
    first = r.carried_from_item_id;
  }
  const ids = [first];
  for (let guard = 0; guard < 100; guard++) {
    const n = await db.selectFrom("rectification_items").select("id").where("carried_from_item_id", "=", ids[ids.length - 1]).executeTakeFirst();
    if (!n) break;
    ids.push(n.id);
  }
  const items = await db
    .selectFrom("rectification_items as i")
    .innerJoin("inquiries as q", "q.id", "i.inquiry_id")
    .select(["i.id", "i.number", "i.status", "i.deadline", "i.inquiry_id", "q.title as inquiry_title", "q.round_number", "q.round_kind"])
    .where("i.id", "in", ids)
    .execute();
  const events = await db.selectFrom("item_events").selectAll().where("item_id", "in", ids).orderBy("at").orderBy("id").execute();
  return ids
    .map((id) => items.find((i) => i.id === id)!)
    .map((i) => ({ ...i, statusLabel: ITEM_STATUS_LABELS[i.status], kindLabel: ROUND_KIND_LABELS[i.round_kind], current: i.id === itemId, history: events.filter((e) => e.item_id === i.id) }));
}
