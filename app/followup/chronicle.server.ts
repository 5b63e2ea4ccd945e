import { AlignmentType, Document, Packer, Paragraph, TextRun } from "docx";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { xmlSafeDeep } from "../utils/text";
import { dateInShanghai } from "../utils/time";
import { notVoided } from "../history/void.server";
import { ACCOUNTABILITY_KIND_LABELS, ROUND_KIND_LABELS } from "./labels";

/**
 * 大事记 — the chronicle of supervision events (issue 21, docs/decisions/0133), built from what is recorded: the
 * plan's approval, research activities, delegated surveys, the outline issued, the meeting, satisfaction votes,
 * handling reports, 催办, accountability steps, items closed, follow-up rounds, the closing. Per inquiry (with its
 * rounds) or per year (every inquiry the reader may read). Staff edit the entries before export; the Word file
 * has the shape of the published chronicle (seeds/002): a title “2020年……大事记” and one entry per event,
 * “•2月23日，……”.
 */
type Db = Kysely<Database> | Transaction<Database>;

export interface ChronicleEntry {
  /** calendar date YYYY-MM-DD (Asia/Shanghai) */
  date: string;
  text: string;
  /** what it was built from, e.g. "meeting:3" (kept so staff see the source; not exported) */
  source: string;
}

const day = (iso: string | null | undefined) => (iso ? (iso.length === 10 ? iso : dateInShanghai(iso)) : "");

/** The entries of the given inquiries, oldest first; with `year`, only that year's. */
export async function chronicleEntries(db: Db, inquiryIds: readonly number[], year?: number): Promise<ChronicleEntry[]> {
  if (inquiryIds.length === 0) return [];
  const ids = [...inquiryIds];
  const inquiries = await db.selectFrom("inquiries").select(["id", "title", "congress", "session_name", "organizing_body", "closed_at", "round_number", "round_kind", "previous_round_id", "created_at"]).where("id", "in", ids).where(notVoided("inquiries", { inquiry: true })).execute();
  // a voided inquiry leaves the chronicle with everything in it
  ids.splice(0, ids.length, ...inquiries.map((q) => q.id));
  if (ids.length === 0) return [];
  const byId = new Map(inquiries.map((q) => [q.id, q]));
  const out: ChronicleEntry[] = [];
  const add = (date: string, text: string, source: string) => {
    if (date) out.push({ date, text, source });
  };

  for (const d of await db.selectFrom("plan_decisions").select(["id", "inquiry_id", "decided_on", "created_at"]).where("inquiry_id", "in", ids).where("action", "=", "approved").execute()) {
    const q = byId.get(d.inquiry_id)!;
    add(d.decided_on ?? day(d.created_at), `主任会议审议通过《${q.title}工作方案》。`, `plan:${d.id}`);
  }
  for (const q of inquiries.filter((x) => x.previous_round_id !== null)) {
    add(day(q.created_at), `启动第${q.round_number}轮跟踪监督（${ROUND_KIND_LABELS[q.round_kind]}）：${q.title}。`, `round:${q.id}`);
  }
  for (const a of await db.selectFrom("research_activities").select(["id", "inquiry_id", "kind", "title", "start_date", "places"]).where("inquiry_id", "in", ids).execute()) {
    const q = byId.get(a.inquiry_id)!;
    add(a.start_date, `${q.organizing_body || "市人大常委会"}${a.places ? `到${a.places}` : ""}开展${a.kind}：${a.title}。`, `research:${a.id}`);
  }
  const surveys = await db
    .selectFrom("survey_requests as r")
    .select(["r.id", "r.inquiry_id", "r.title", "r.created_at", (eb) => eb.selectFrom("survey_delegations as d").select(eb.fn.countAll<number>().as("n")).whereRef("d.request_id", "=", "r.id").where("d.voided_at", "is", null).as("n")])
    .where("r.inquiry_id", "in", ids)
    .execute();
  for (const s of surveys) add(day(s.created_at), `委托${Number(s.n ?? 0)}个县（市）区人大常委会开展“${s.title}”专题调研。`, `survey:${s.id}`);
  for (const v of await db.selectFrom("outline_versions").select(["id", "inquiry_id", "issued_at"]).where("inquiry_id", "in", ids).where("issued_at", "is not", null).execute()) {
    add(day(v.issued_at), `向应询部门下发《${byId.get(v.inquiry_id)!.title}询问提纲》。`, `outline:${v.id}`);
  }
  const meetings = await db
    .selectFrom("meetings as m")
    .innerJoin("inquiries as q", "q.id", "m.inquiry_id")
    .select(["m.id", "m.inquiry_id", "q.meeting_date", "m.session_name", "m.place", "m.chair_name", "m.digest_published_at"])
    .where("m.inquiry_id", "in", ids)
    .execute();
  for (const m of meetings) {
    const q = byId.get(m.inquiry_id)!;
    const exchanges = await db.selectFrom("meeting_segments").select((eb) => eb.fn.countAll<number>().as("n")).where("meeting_id", "=", m.id).where("kind", "=", "exchange").where("voided_at", "is", null).executeTakeFirst();
    const session = m.session_name || q.session_name;
    add(
      m.meeting_date ?? "",
      `${session ? `${session}` : q.congress}举行${q.title}${m.chair_name ? `，${m.chair_name}主持` : ""}${Number(exchanges?.n ?? 0) ? `，${Number(exchanges?.n)}位委员、代表提问` : ""}。`,
      `meeting:${m.id}`,
    );
    if (m.digest_published_at) add(day(m.digest_published_at), `公开发布${q.title}摘要。`, `digest:${m.id}`);
  }
  for (const v of await db.selectFrom("votes").select(["id", "title", "closed_at", "result"]).where("inquiry_id", "in", ids).where("status", "=", "closed").execute()) {
    add(day(v.closed_at), `${v.title}，结果为${v.result === "passed" ? "满意" : v.result === "not_passed" ? "不满意，责成重新报告" : "已公布"}。`, `vote:${v.id}`);
  }
  const reports = await db
    .selectFrom("handling_reports as h")
    .leftJoin("users as u", "u.id", "h.submitted_by")
    .leftJoin("organizations as o", "o.id", "u.organization_id")
    .select(["h.id", "h.round", "h.submitted_at", "o.name as org"])
    .where("h.inquiry_id", "in", ids)
    .where("h.submitted_at", "is not", null)
    .execute();
  for (const h of reports) add(day(h.submitted_at), `${h.org ?? "市政府"}报送研究处理情况报告${h.round > 1 ? `（第${h.round}次）` : ""}。`, `handling:${h.id}`);
  for (const c of await db.selectFrom("chase_ups as c").innerJoin("organizations as o", "o.id", "c.organization_id").select(["c.id", "c.sent_at", "c.subject", "o.name"]).where("c.inquiry_id", "in", ids).execute()) {
    add(day(c.sent_at), `向${c.name}发出催办函：${c.subject}。`, `chase:${c.id}`);
  }
  for (const s of await db.selectFrom("accountability_steps as a").innerJoin("organizations as o", "o.id", "a.organization_id").select(["a.id", "a.kind", "a.step_date", "a.decision", "o.name"]).where("a.inquiry_id", "in", ids).execute()) {
    add(s.step_date, `${ACCOUNTABILITY_KIND_LABELS[s.kind]}${s.name}：${s.decision.replace(/[。．.]$/, "")}。`, `accountability:${s.id}`);
  }
  // items closed: one entry per inquiry and day
  const closed = await db.selectFrom("rectification_items").select(["inquiry_id", "closed_at"]).where("inquiry_id", "in", ids).where("status", "=", "closed").where("closed_at", "is not", null).where("voided_at", "is", null).execute();
  const perDay = new Map<string, number>();
  for (const c of closed) {
    const k = `${c.inquiry_id}|${day(c.closed_at)}`;
    perDay.set(k, (perDay.get(k) ?? 0) + 1);
  }
  for (const [k, n] of perDay) {
    const [inquiryId, date] = k.split("|");
    add(date, `${byId.get(Number(inquiryId))!.title}${n}项整改事项经审核销号。`, `closed:${k}`);
  }
  for (const q of inquiries) if (q.closed_at) add(day(q.closed_at), `${q.title}整改督办工作办结。`, `closing:${q.id}`);

  const y = year ? String(year) : null;
  // within a day, in the order the work happens (a vote before the step it led to)
  const order = ["plan", "round", "research", "survey", "outline", "meeting", "digest", "vote", "handling", "chase", "accountability", "closed", "closing"];
  const rank = (e: ChronicleEntry) => order.indexOf(e.source.split(":")[0]);
  return out.filter((e) => !y || e.date.startsWith(`${y}-`)).sort((a, b) => a.date.localeCompare(b.date) || rank(a) - rank(b) || a.source.localeCompare(b.source));
}

/** “2月23日” — the date as the chronicle writes it (the year is in the title). */
export function chronicleDay(date: string): string {
  const [, m, d] = date.split("-").map(Number);
  return `${m}月${d}日`;
}

const SONG = { ascii: "SimSun", hAnsi: "SimSun", eastAsia: "宋体" };
const HEI = { ascii: "SimHei", hAnsi: "SimHei", eastAsia: "黑体" };

/**
 * The chronicle as Word: the title, an optional subtitle, then one paragraph per entry, “•2月23日，……” (seeds/002);
 * entries of several years carry the year (“•2020年2月23日，……”). Only XML-legal characters are written.
 */
export async function chronicleDocx(stored: { title: string; subtitle: string; entries: { date: string; text: string }[] }): Promise<Buffer> {
  const input = xmlSafeDeep(stored);
  const years = new Set(input.entries.map((e) => e.date.slice(0, 4)));
  const children: Paragraph[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [new TextRun({ text: input.title, font: HEI, size: 36, bold: true })] }),
  ];
  if (input.subtitle) children.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: input.subtitle, font: SONG, size: 22 })] }));
  for (const e of input.entries) {
    const when = years.size > 1 ? `${e.date.slice(0, 4)}年${chronicleDay(e.date)}` : chronicleDay(e.date);
    children.push(
      new Paragraph({
        indent: { firstLine: 480 },
        spacing: { after: 160, line: 360 },
        children: [new TextRun({ text: `•${when}，`, font: HEI, size: 24 }), new TextRun({ text: e.text, font: SONG, size: 24 })],
      }),
    );
  }
  return Packer.toBuffer(new Document({ creator: "询问", title: input.title, sections: [{ children }] }));
}

/** The Word download of a chronicle: private, not cached, named in Chinese with an ASCII fallback. */
export function chronicleResponse(buffer: Buffer, fileName: string, asciiName: string): Response {
  return new Response(new Uint8Array(buffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
