import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { dateInShanghai } from "../utils/time";
import { notVoided } from "./void.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface ChronicleEvent {
  /** YYYY-MM-DD, Asia/Shanghai */
  date: string;
  label: string;
  /** the date was entered after the fact (补录) */
  backEntered: boolean;
}

/**
 * The inquiry's 大事记 (stage timeline): its dated events in date order — the plan's submissions and the council's
 * decisions, research, survey due dates, each county report's 报送 and 采纳, the outline's submissions, decisions and issue, the meeting, the digest,
 * each 销号 / 结转 of a live item, the handling report, 办结. Read from the stamped rows themselves, so a
 * back-entered inquiry reads in its real order; back-entered stamps are marked. Voided records are left out.
 */
export async function inquiryChronicle(db: Db, inquiryId: number): Promise<ChronicleEvent[]> {
  const inquiry = await db.selectFrom("inquiries").select(["meeting_date", "closed_at", "back_entry"]).where("id", "=", inquiryId).executeTakeFirst();
  if (!inquiry) return [];
  const backEntry = inquiry.back_entry === 1;
  const events: ChronicleEvent[] = [];
  const plan = await db.selectFrom("plan_decisions").select(["action", "decided_on", "created_at", "back_entered"]).where("inquiry_id", "=", inquiryId).orderBy("id").execute();
  const PLAN = { submitted: "工作方案提请主任会议审议", approved: "主任会议批准工作方案", rejected: "主任会议驳回工作方案", proceeded: "记录先行开展的理由" } as const;
  for (const p of plan) {
    events.push({ date: p.action === "submitted" ? dateInShanghai(p.created_at) : p.decided_on ?? dateInShanghai(p.created_at), label: PLAN[p.action], backEntered: p.back_entered === 1 });
  }
  const research = await db.selectFrom("research_activities").select(["kind", "title", "start_date"]).where("inquiry_id", "=", inquiryId).execute();
  for (const r of research) events.push({ date: r.start_date, label: `${r.kind}：${r.title}`, backEntered: false });
  const surveys = await db
    .selectFrom("survey_requests as r")
    .select(["r.title", "r.due_date"])
    .where("r.inquiry_id", "=", inquiryId)
    .where((eb) => eb.exists(eb.selectFrom("survey_delegations as d").select("d.id").whereRef("d.request_id", "=", "r.id").where(notVoided("d"))))
    .execute();
  for (const s of surveys) events.push({ date: s.due_date, label: `委托调研「${s.title}」报告截止`, backEntered: false });
  // each county's 报送 and staff's 采纳 (stamped through app/history/dates.server.ts: real dates in back-entry)
  const delegations = await db
    .selectFrom("survey_delegations as d")
    .innerJoin("survey_requests as r", "r.id", "d.request_id")
    .innerJoin("organizations as o", "o.id", "d.organization_id")
    .select(["r.title", "o.name", "d.submitted_at", "d.accepted_at"])
    .where("d.inquiry_id", "=", inquiryId)
    .where(notVoided("d"))
    .orderBy("d.id")
    .execute();
  for (const d of delegations) {
    if (d.submitted_at) events.push({ date: dateInShanghai(d.submitted_at), label: `${d.name}报送调研报告「${d.title}」`, backEntered: backEntry });
    if (d.accepted_at) events.push({ date: dateInShanghai(d.accepted_at), label: `采纳${d.name}的调研报告「${d.title}」`, backEntered: backEntry });
  }
  const versions = await db.selectFrom("outline_versions").select(["number", "submitted_at", "decided_on", "status", "issued_at"]).where("inquiry_id", "=", inquiryId).execute();
  for (const v of versions) {
    events.push({ date: dateInShanghai(v.submitted_at), label: `询问提纲第 ${v.number} 版提请审定`, backEntered: backEntry });
    if (v.decided_on) events.push({ date: v.decided_on, label: `主任会议${v.status === "rejected" ? "退回" : "审定通过"}询问提纲第 ${v.number} 版`, backEntered: backEntry });
    if (v.issued_at) events.push({ date: dateInShanghai(v.issued_at), label: `询问提纲第 ${v.number} 版下发应询部门`, backEntered: backEntry });
  }
  if (inquiry.meeting_date) events.push({ date: inquiry.meeting_date, label: "召开专题询问会", backEntered: false });
  const meeting = await db.selectFrom("meetings").select("digest_published_at").where("inquiry_id", "=", inquiryId).executeTakeFirst();
  if (meeting?.digest_published_at) events.push({ date: dateInShanghai(meeting.digest_published_at), label: "发布询问会摘要", backEntered: backEntry });
  const itemEvents = await db
    .selectFrom("item_events as e")
    .innerJoin("rectification_items as i", "i.id", "e.item_id")
    .select(["e.action", "e.at", "e.back_entered", "i.number", "i.status"])
    .where("i.inquiry_id", "=", inquiryId)
    .where(notVoided("i"))
    .where("e.action", "in", ["closed", "carried_over"])
    .orderBy("e.id")
    .execute();
  // only the 销号 / 结转 that still stand (an undone one is in the item's own history)
  const standing = new Map<number, (typeof itemEvents)[number]>();
  for (const e of itemEvents) if ((e.action === "closed" && e.status === "closed") || (e.action === "carried_over" && e.status === "carried_over")) standing.set(e.number, e);
  for (const e of standing.values()) {
    events.push({ date: dateInShanghai(e.at), label: `整改事项 #${e.number} ${e.action === "closed" ? "销号" : "结转"}`, backEntered: e.back_entered === 1 });
  }
  const reports = await db
    .selectFrom("handling_reports")
    .select(["round", "submitted_at", "accepted_at"])
    .where("inquiry_id", "=", inquiryId)
    .where("submitted_at", "is not", null)
    .orderBy("round")
    .execute();
  for (const r of reports) {
    events.push({ date: dateInShanghai(r.submitted_at!), label: `政府报送研究处理情况报告（第 ${r.round} 次）`, backEntered: backEntry });
    if (r.accepted_at) events.push({ date: dateInShanghai(r.accepted_at), label: `研究处理情况报告（第 ${r.round} 次）确认通过`, backEntered: backEntry });
  }
  if (inquiry.closed_at) events.push({ date: dateInShanghai(inquiry.closed_at), label: "专题询问办结", backEntered: backEntry });
  // stable: events of one day keep the order of the lifecycle above
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.date.localeCompare(b.e.date) || a.i - b.i).map(({ e }) => e);
}
