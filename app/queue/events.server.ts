import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { voteReadySql } from "../meeting/votes.server";
import { notifyManagers } from "../notifications/notifications.server";
import { shanghaiDayStartIso, todayInShanghai } from "../utils/time";

/**
 * The staff's notifications of the events that put a record into the queue (待我办理): each domain function
 * calls one of these inside its own transaction, right after the change (issue 12). The key carries the
 * record and the instant of the event, so each event notifies once; a new event (a resubmission) notifies again.
 */
type Trx = Transaction<Database>;

export async function surveyReportSubmitted(trx: Trx, delegationId: number, at: string): Promise<void> {
  const d = await trx
    .selectFrom("survey_delegations as d")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .select(["d.inquiry_id", "r.title", "o.name"])
    .where("d.id", "=", delegationId)
    .executeTakeFirstOrThrow();
  await notifyManagers(trx, d.inquiry_id, {
    kind: "survey_submitted",
    title: `${d.name}提交了调研报告「${d.title}」，请审阅`,
    link: `/surveys/${delegationId}`,
    dedupeKey: `survey_submitted:${delegationId}:${at}`,
  });
}

export async function preparationAnswerSubmitted(trx: Trx, answerId: number, at: string): Promise<void> {
  const a = await trx
    .selectFrom("preparation_answers as a")
    .innerJoin("outline_questions as q", "q.id", "a.question_id")
    .innerJoin("organizations as o", "o.id", "a.department_id")
    .select(["a.inquiry_id", "a.question_id", "q.text", "o.name"])
    .where("a.id", "=", answerId)
    .executeTakeFirstOrThrow();
  await notifyManagers(trx, a.inquiry_id, {
    kind: "answer_submitted",
    title: `${a.name}提交了书面准备答复：${a.text.slice(0, 40)}`,
    link: `/inquiries/${a.inquiry_id}/outline/questions/${a.question_id}`,
    dedupeKey: `answer_submitted:${answerId}:${at}`,
  });
}

export async function correctionProposed(trx: Trx, correctionId: number): Promise<void> {
  const c = await trx
    .selectFrom("turn_corrections as c")
    .innerJoin("meeting_turns as t", "t.id", "c.turn_id")
    .innerJoin("meeting_segments as s", "s.id", "t.segment_id")
    .innerJoin("organizations as o", "o.id", "c.department_id")
    .select(["s.inquiry_id", "c.department_id", "o.name", "c.original_text"])
    .where("c.id", "=", correctionId)
    .executeTakeFirstOrThrow();
  await notifyManagers(trx, c.inquiry_id, {
    kind: "correction_proposed",
    title: `${c.name}对询问会记录中的答复提出更正，请审定：${c.original_text.slice(0, 30)}`,
    link: `/inquiries/${c.inquiry_id}/meeting/departments/${c.department_id}#corrections`,
    dedupeKey: `correction_proposed:${correctionId}`,
  });
}

export async function proposalCreated(trx: Trx, proposalId: number): Promise<void> {
  const p = await trx
    .selectFrom("outline_proposals as p")
    .innerJoin("users as m", "m.id", "p.member_id")
    .select(["p.inquiry_id", "p.text", "m.display_name"])
    .where("p.id", "=", proposalId)
    .executeTakeFirstOrThrow();
  await notifyManagers(trx, p.inquiry_id, {
    kind: "proposal_created",
    title: `${p.display_name}提出问题建议：${p.text.slice(0, 40)}`,
    link: `/inquiries/${p.inquiry_id}/outline#proposals`,
    dedupeKey: `proposal_created:${proposalId}`,
  });
}

/** After a ballot or a confirmation: once the vote is ready to close (voteReadySql), staff are told (once per vote). */
export async function voteMaybeReady(trx: Trx, voteId: number): Promise<void> {
  const v = await trx
    .selectFrom("votes as v")
    .select(["v.inquiry_id", "v.title"])
    .where("v.id", "=", voteId)
    .where("v.status", "=", "open")
    .where(voteReadySql(shanghaiDayStartIso(todayInShanghai())))
    .executeTakeFirst();
  if (!v) return;
  await notifyManagers(trx, v.inquiry_id, {
    kind: "vote_ready",
    title: `满意度测评「${v.title}」可以结束`,
    link: `/votes/${voteId}`,
    dedupeKey: `vote_ready:${voteId}`,
  });
}

/** Entered 表决器 / paper totals wait for a second staff account's confirmation. */
export async function voteTotalsEntered(trx: Trx, voteId: number, at: string): Promise<void> {
  const v = await trx.selectFrom("votes").select(["inquiry_id", "title"]).where("id", "=", voteId).executeTakeFirstOrThrow();
  await notifyManagers(trx, v.inquiry_id, {
    kind: "vote_totals",
    title: `满意度测评「${v.title}」的表决结果已录入，请另一名工作人员复核确认`,
    link: `/votes/${voteId}`,
    dedupeKey: `vote_totals:${voteId}:${at}`,
  });
}

/** A vote that did not pass: the department must rectify and report again. */
export async function voteNeedsReReport(trx: Trx, voteId: number): Promise<void> {
  const v = await trx.selectFrom("votes").select(["inquiry_id", "title"]).where("id", "=", voteId).executeTakeFirstOrThrow();
  await notifyManagers(trx, v.inquiry_id, {
    kind: "vote_re_report",
    title: `满意度测评「${v.title}」未通过，须督促整改并重新报告`,
    link: `/votes/${voteId}`,
    dedupeKey: `vote_re_report:${voteId}`,
  });
}

async function itemHead(trx: Trx, itemId: number) {
  return trx
    .selectFrom("rectification_items as i")
    .innerJoin("organizations as o", "o.id", "i.lead_department_id")
    .select(["i.inquiry_id", "i.number", "i.problem", "o.name"])
    .where("i.id", "=", itemId)
    .executeTakeFirstOrThrow();
}

export async function extensionRequested(trx: Trx, extensionId: number, itemId: number): Promise<void> {
  const i = await itemHead(trx, itemId);
  await notifyManagers(trx, i.inquiry_id, {
    kind: "extension_requested",
    title: `${i.name}申请第 ${i.number} 项整改事项延期，请审批：${i.problem.slice(0, 30)}`,
    link: `/rectification/${itemId}`,
    dedupeKey: `extension_requested:${extensionId}`,
  });
}

export async function closureRequested(trx: Trx, itemId: number, at: string): Promise<void> {
  const i = await itemHead(trx, itemId);
  await notifyManagers(trx, i.inquiry_id, {
    kind: "closure_requested",
    title: `${i.name}申请第 ${i.number} 项整改事项销号，请审核：${i.problem.slice(0, 30)}`,
    link: `/rectification/${itemId}`,
    dedupeKey: `closure_requested:${itemId}:${at}`,
  });
}

export async function handlingReportSubmitted(trx: Trx, reportId: number, at: string): Promise<void> {
  const h = await trx
    .selectFrom("handling_reports as h")
    .innerJoin("inquiries as q", "q.id", "h.inquiry_id")
    .select(["h.inquiry_id", "h.round", "q.title"])
    .where("h.id", "=", reportId)
    .executeTakeFirstOrThrow();
  await notifyManagers(trx, h.inquiry_id, {
    kind: "handling_report_submitted",
    title: `政府报送了「${h.title}」研究处理情况报告（第 ${h.round} 轮）`,
    link: `/inquiries/${h.inquiry_id}/handling-report`,
    dedupeKey: `handling_report_submitted:${reportId}:${at}`,
  });
}
