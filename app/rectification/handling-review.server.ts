import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { isDigestPublished } from "../meeting/digest.server";
import { publicationGate, publicationRedactor } from "../insight/pii.server";
import type { RichText } from "../richtext/richtext.server";
import { isCalendarDate, nowIso, todayInShanghai } from "../utils/time";
import { HANDLING_REPORT_STATUS_LABELS } from "./labels";
import type { Result } from "../utils/result";

/**
 * 审议 and publication of the government's handling report (研究处理情况报告), issue 23 item 5,
 * docs/decisions/0043. Under 《监督法》 the standing committee deliberates (审议) the government's report on how
 * it handled the inquiry's opinions, records its opinion (审议意见) and, where it adopts one, a resolution (决议);
 * 《监督法》 has such reports on handling deliberation opinions and the opinions themselves made public
 * (向社会公布), and the standing committee's supervision conducted openly. Here:
 *
 * - one 审议 per round of the report, once the government has submitted it: date (YYYY-MM-DD, not after today,
 *   not before the submission), session name (≤ 100 characters), opinion (rich text, required), resolution
 *   (plain text, optional, ≤ 5000 characters); edits carry the version the editor saw; every change is audited;
 * - staff publish a submitted round — report and opinion — on /public/inquiries/:id once the meeting digest is
 *   public there, after confirming the text holds nothing unfit for the public; they may take it back; both audited.
 */
type Db = Kysely<Database>;

export const MAX_SESSION_NAME = 100;
export const MAX_RESOLUTION = 5000;
const REVIEW_CONFLICT = "审议情况已被他人修改，请刷新页面查看最新内容后再保存。";
const REPORT_CONFLICT = "研究处理情况报告已被他人修改或办理，请刷新页面查看最新状态后再操作。";

export interface HandlingReviewInput {
  reportId: number;
  /** null to record the first 审议 of this round; else the version the editor saw */
  version: number | null;
  reviewedOn: string;
  sessionName: string;
  opinion: RichText;
  resolution: string;
}

async function reportWithInquiry(db: Db, reportId: number) {
  return db
    .selectFrom("handling_reports as h")
    .innerJoin("inquiries as i", "i.id", "h.inquiry_id")
    .select(["h.id", "h.inquiry_id", "h.round", "h.status", "h.submitted_at", "h.version", "h.published_at", "i.title", "i.stage"])
    .where("h.id", "=", reportId)
    .executeTakeFirst();
}

/** Records or edits the committee's 审议 of one round of the report. */
export async function saveHandlingReview(db: Db, actor: Actor, input: HandlingReviewInput): Promise<Result> {
  const sessionName = input.sessionName.trim();
  const resolution = input.resolution.trim();
  if (!isCalendarDate(input.reviewedOn)) return { ok: false, field: "reviewedOn", message: "审议日期格式不正确，请按“年-月-日”填写" };
  if (input.reviewedOn > todayInShanghai()) return { ok: false, field: "reviewedOn", message: "审议日期不能晚于今天" };
  if (!sessionName) return { ok: false, field: "sessionName", message: "请填写审议的会议名称" };
  if (sessionName.length > MAX_SESSION_NAME) return { ok: false, field: "sessionName", message: `会议名称不能超过 ${MAX_SESSION_NAME} 个字` };
  if (!input.opinion.text) return { ok: false, field: "opinion", message: "请填写审议意见" };
  if (resolution.length > MAX_RESOLUTION) return { ok: false, field: "resolution", message: `决议不能超过 ${MAX_RESOLUTION} 个字` };
  return db.transaction().execute(async (trx): Promise<Result> => {
    const report = await reportWithInquiry(trx, input.reportId);
    if (!report) return { ok: false, field: "_form", message: "该研究处理情况报告不存在" };
    if (report.stage === "closed") return { ok: false, field: "_form", message: "该专题询问已办结，审议情况不能再变动" };
    if (report.status === "pending" || !report.submitted_at) return { ok: false, field: "_form", message: "政府报送报告后，才能记录常委会的审议情况" };
    const submittedOn = todayInShanghai(new Date(report.submitted_at));
    if (input.reviewedOn < submittedOn) return { ok: false, field: "reviewedOn", message: "审议日期不能早于报告的报送日期" };
    const before = await trx.selectFrom("handling_report_reviews").selectAll().where("report_id", "=", report.id).executeTakeFirst();
    const now = nowIso();
    const values = {
      reviewed_on: input.reviewedOn,
      session_name: sessionName,
      opinion_json: input.opinion.json,
      opinion_text: input.opinion.text,
      opinion_html: input.opinion.html,
      resolution,
      updated_by: actor.id,
      updated_at: now,
    };
    const shown = (v: { reviewed_on: string; session_name: string; opinion_text: string; resolution: string }) => ({
      reviewed_on: v.reviewed_on,
      session_name: v.session_name,
      opinion: v.opinion_text,
      resolution: v.resolution,
    });
    if (input.version === null) {
      if (before) return { ok: false, field: "_form", message: REVIEW_CONFLICT };
      const row = await trx
        .insertInto("handling_report_reviews")
        .values({ report_id: report.id, inquiry_id: report.inquiry_id, ...values, created_by: actor.id, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, actor, {
        action: "handling_report.review",
        entityType: "handling_report",
        entityId: report.id,
        summary: `记录「${report.title}」研究处理情况报告（第 ${report.round} 轮）的审议情况：${sessionName}（${input.reviewedOn}）`,
        after: shown(values),
      });
      return { ok: true, id: row.id };
    }
    if (!before || before.version !== input.version) return { ok: false, field: "_form", message: REVIEW_CONFLICT };
    await trx.updateTable("handling_report_reviews").set({ ...values, version: before.version + 1 }).where("id", "=", before.id).execute();
    await recordAudit(trx, actor, {
      action: "handling_report.review_edit",
      entityType: "handling_report",
      entityId: report.id,
      summary: `修改「${report.title}」研究处理情况报告（第 ${report.round} 轮）的审议情况`,
      before: shown(before),
      after: shown(values),
    });
    return { ok: true, id: before.id };
  });
}

/** The 审议 of each round of an inquiry's report, by report id. */
export async function handlingReviews(db: Db, inquiryId: number) {
  const rows = await db
    .selectFrom("handling_report_reviews as r")
    .leftJoin("users as u", "u.id", "r.updated_by")
    .select([
      "r.id",
      "r.report_id",
      "r.reviewed_on",
      "r.session_name",
      "r.opinion_json",
      "r.opinion_html",
      "r.resolution",
      "r.version",
      "r.updated_at",
      "u.display_name as updated_by_name",
    ])
    .where("r.inquiry_id", "=", inquiryId)
    .execute();
  return new Map(rows.map((r) => [r.report_id, r]));
}

/**
 * Staff publish a round of the report (with its 审议意见, if recorded) on the inquiry's public page, or take it
 * back. Publishing needs a submitted report, the meeting digest already public (the page it appears on) and the
 * staff member's confirmation that the texts were checked for what must not be made public.
 */
export async function setHandlingReportPublished(
  db: Db,
  actor: Actor,
  input: { reportId: number; version: number; publish: boolean; confirmed: boolean },
): Promise<Result> {
  return db.transaction().execute(async (trx): Promise<Result> => {
    const report = await reportWithInquiry(trx, input.reportId);
    if (!report) return { ok: false, field: "_form", message: "该研究处理情况报告不存在" };
    if (report.version !== input.version) return { ok: false, field: "_form", message: REPORT_CONFLICT };
    if (input.publish) {
      if (report.published_at) return { ok: false, field: "_form", message: "该报告已经公开" };
      if (report.status === "pending" || !report.submitted_at) {
        return { ok: false, field: "_form", message: `报告当前状态为「${HANDLING_REPORT_STATUS_LABELS[report.status]}」，政府报送后才能公开` };
      }
      if (!(await isDigestPublished(trx, report.inquiry_id))) {
        return { ok: false, field: "_form", message: "询问会摘要尚未公开：请先公开摘要，研究处理情况报告将与摘要显示在同一公开页面" };
      }
      if (!input.confirmed) return { ok: false, field: "confirmed", message: "请确认已核对报告和审议意见中不含不宜公开的内容（如个人信息）" };
      const refused = await publicationGate(trx, report.inquiry_id, `handling_report:${report.id}`);
      if (refused) return { ok: false, field: "_form", message: refused };
    } else if (!report.published_at) {
      return { ok: false, field: "_form", message: "该报告尚未公开" };
    }
    const now = nowIso();
    const published_at = input.publish ? now : null;
    await trx
      .updateTable("handling_reports")
      .set({ published_at, published_by: input.publish ? actor.id : null, version: report.version + 1, updated_at: now })
      .where("id", "=", report.id)
      .execute();
    await recordAudit(trx, actor, {
      action: input.publish ? "handling_report.publish" : "handling_report.unpublish",
      entityType: "handling_report",
      entityId: report.id,
      summary: `「${report.title}」研究处理情况报告（第 ${report.round} 轮）及审议意见${input.publish ? "向社会公开" : "取消公开"}`,
      before: { published_at: report.published_at },
      after: { published_at },
    });
    return { ok: true, id: report.id };
  });
}

/**
 * What the public page shows of the handling report: the published rounds, oldest first, each with the report's
 * text (server-rendered HTML), its submission date, its status and — if recorded — the 审议 (date, session,
 * opinion HTML, resolution). No attachments, names of staff or votes' ballots.
 */
export async function publishedHandlingReports(db: Db, inquiryId: number) {
  const rows = await db
    .selectFrom("handling_reports as h")
    .leftJoin("handling_report_reviews as r", "r.report_id", "h.id")
    .select([
      "h.id",
      "r.id as review_id",
      "h.round",
      "h.status",
      "h.body_html",
      "h.body_text",
      "r.opinion_text",
      "h.submitted_at",
      "h.published_at",
      "r.reviewed_on",
      "r.session_name",
      "r.opinion_html",
      "r.resolution",
    ])
    .where("h.inquiry_id", "=", inquiryId)
    .where("h.published_at", "is not", null)
    .where("h.submitted_at", "is not", null)
    .orderBy("h.round")
    .execute();
  // the published form: personal data masked unless reviewed as not personal (app/insight/pii.server.ts)
  const redactor = await publicationRedactor(db, inquiryId);
  return rows.map((r) => ({
    round: r.round,
    statusLabel: HANDLING_REPORT_STATUS_LABELS[r.status],
    bodyHtml: redactor.html(`handling:${r.id}:body`, r.body_text, r.body_html),
    submittedOn: todayInShanghai(new Date(r.submitted_at!)),
    review: r.reviewed_on
      ? {
          reviewedOn: r.reviewed_on,
          sessionName: r.session_name ?? "",
          opinionHtml: redactor.html(`review:${r.review_id}:opinion`, r.opinion_text ?? "", r.opinion_html ?? ""),
          resolution: redactor.text(`review:${r.review_id}:resolution`, r.resolution ?? ""),
        }
      : null,
  }));
}
