import { advisoryLock, writeTransaction } from "../../db/transactions";
import { sql, type Kysely, type SqlBool, type Transaction } from "kysely";
import { engineOf } from "../../db/engine";
import type { Database, OrganizationKind, Role } from "../../db/schema";
import { ancestorsIn } from "../admin/organization-tree.server";
import { attachmentOwner } from "../attachments/attachments.server";
import type { CurrentUser } from "../auth/session.server";
import { parseKinds } from "../meeting/digest.server";
import { parseSnapshot } from "../outline/versions.server";
import {
  canReadAttachment,
  canReadDelegationReport,
  canReadHandlingReport,
  canReadInquiry,
  canReadItem,
  canReadMeetingSegment,
  canReadPreparationAnswer,
  canReadPreparationAnswerText,
  canReadWholeOutline,
  canReadWrittenReply,
} from "../policy.server";
import { dateInShanghai } from "../utils/time";
import { indexGrams } from "./normalize";
import { liveInquiryOf, liveItemRef, liveQuestionRef, liveSegmentRef, notVoided } from "../history/void.server";

/** An attachment leaves the index with its inquiry, and with the voided item whose evidence it is. */
const liveAttachment = sql<SqlBool>`(attachments.inquiry_id is null or ${liveInquiryOf("attachments.inquiry_id")})
  and (attachments.owner_type != 'progress_report' or exists (select 1 from progress_reports as vp where vp.id = attachments.owner_id and ${liveItemRef("vp.item_id")}))`;

/**
 * Builds the search documents (migration 0010; docs/decisions/0010-search-normalisation.md). Writes queue the
 * rowids of the documents they touch (triggers, same transaction); `syncSearchIndex` drains the queue before
 * each search and at server start. Each document is:
 * - its text, folded by foldForSearch (app/search/normalize.ts) into character bigrams — the one function
 *   queries pass through too; names of people and organisations are part of the text (issue 23 item 2);
 * - its readers, decided by the policy functions the pages call (issue 16 item 3), written as tokens in the
 *   `facets` column: nstaff / nadmin / nmember where an internal role may NOT read it (drafts, the issued copy
 *   of a question — few documents, so excluding them is cheap), rd<org> / rc<org> for the departments and
 *   counties the record names that may read it, rdany / rgov / rcany for any other department, the
 *   government, any other county; rmemberany where a member who takes no part in the inquiry may read it too.
 *   Members are asked as taking part in the record's inquiry; their search is then kept to the i<inquiry>
 *   tokens of the inquiries they take part in, plus rmemberany (docs/decisions/0031).
 *   A user's search asks for its own tokens (`readerFilterOf`), so the
 *   full-text index answers permission, counts included, without reading any stored text.
 * - its date (`at`, an Asia/Shanghai calendar date), and facet tokens y<year of its inquiry>, i<inquiry>, o<org>.
 * Rowid = kind code × 10^9 + record id.
 */
export const ROWID_BASE = 1_000_000_000;
/** Queue entry (code × 10^9 + inquiry id): re-derive the inquiry's issued outline questions. */
export const ISSUED_OUTLINE_CODE = 90;

export const SEARCH_KINDS = [
  { code: 1, kind: "inquiry", table: "inquiries" },
  { code: 2, kind: "research_activity", table: "research_activities" },
  { code: 3, kind: "research_finding", table: "research_findings" },
  { code: 4, kind: "survey_report", table: "survey_delegations" },
  { code: 5, kind: "outline_question", table: "outline_questions" },
  { code: 6, kind: "preparation_answer", table: "preparation_answers" },
  { code: 7, kind: "exchange", table: "meeting_segments" },
  { code: 8, kind: "rectification_item", table: "rectification_items" },
  { code: 9, kind: "progress_report", table: "progress_reports" },
  { code: 10, kind: "attachment", table: "attachments" },
  { code: 11, kind: "written_reply", table: "written_replies" },
  { code: 12, kind: "handling_report", table: "handling_reports" },
  // the question as issued to its department (the outline version it received), keyed by question id
  { code: 13, kind: "issued_question", table: null },
] as const;

export type SearchKind = (typeof SEARCH_KINDS)[number]["kind"];
export const CODE_OF_KIND = new Map<string, number>(SEARCH_KINDS.map((k) => [k.kind, k.code]));
const KIND_OF_CODE = new Map<number, SearchKind>(SEARCH_KINDS.map((k) => [k.code, k.kind]));

export type Reader = Pick<CurrentUser, "role" | "organizationId" | "organizationKind" | "memberInquiryIds">;
type Db = Kysely<Database> | Transaction<Database>;

interface SearchDocument {
  code: number;
  recordId: number;
  inquiryId: number | null;
  title: string;
  /** the text shown in snippets, as stored (never folded) */
  body: string;
  /** Asia/Shanghai calendar date */
  at: string;
  /** organisations the record names: reader probes and the organisation filter */
  organizationIds: number[];
  canRead: (user: Reader) => boolean;
}

const INTERNAL_ROLES: Role[] = ["admin", "staff", "member"];

/**
 * The reader tokens of a record: the policy predicate asked for each internal role, for each organisation the
 * record names (as a department and as a county), and for an organisation it does not name. The rules only
 * compare the user's organisation with the record's, so an unnamed organisation stands for all others.
 */
export function readerTokens(
  canRead: (user: Reader) => boolean,
  organizationIds: number[],
  kindOf: (id: number) => OrganizationKind | null,
  inquiryId: number | null,
): string[] {
  const tokens: string[] = [];
  // a member is asked as one who takes part in the record's inquiry; which inquiries a member takes part in is
  // decided at search time (visibleMatch asks for their i<inquiry> tokens), as the policy decides it per request
  const memberInquiryIds = inquiryId !== null ? [inquiryId] : [];
  for (const role of INTERNAL_ROLES) if (!canRead({ role, organizationId: null, organizationKind: null, memberInquiryIds })) tokens.push(`n${role}`);
  // readable by a member who takes no part in the inquiry too (a published digest's exchanges)
  if (canRead({ role: "member", organizationId: null, organizationKind: null, memberInquiryIds: [] })) tokens.push("rmemberany");
  for (const id of organizationIds) {
    const organizationKind = kindOf(id);
    if (canRead({ role: "department", organizationId: id, organizationKind })) tokens.push(`rd${id}`);
    if (canRead({ role: "county", organizationId: id, organizationKind })) tokens.push(`rc${id}`);
  }
  if (canRead({ role: "department", organizationId: -1, organizationKind: "department" })) tokens.push("rdany");
  if (canRead({ role: "department", organizationId: -1, organizationKind: "government" })) tokens.push("rgov");
  if (canRead({ role: "county", organizationId: -1, organizationKind: "county_congress" })) tokens.push("rcany");
  return tokens;
}

/**
 * What a user's search asks of the reader tokens: an internal role reads every document not marked
 * n<role> (`exclude`); a department or county reads the documents carrying any of its tokens (`anyOf`).
 */
export function readerFilterOf(user: Reader): { exclude: string; inquiries?: number[] } | { anyOf: string[] } {
  // a member: only within the inquiries they take part in (docs/decisions/0031), as every page decides
  if (user.role === "member") return { exclude: "nmember", inquiries: [...(user.memberInquiryIds ?? [])] };
  if (INTERNAL_ROLES.includes(user.role)) return { exclude: `n${user.role}` };
  const org = user.organizationId;
  if (user.role === "department") {
    return { anyOf: [...(org !== null ? [`rd${org}`] : []), "rdany", ...(user.organizationKind === "government" ? ["rgov"] : [])] };
  }
  if (user.role === "county") return { anyOf: [...(org !== null ? [`rc${org}`] : []), "rcany"] };
  return { anyOf: [] };
}

interface Context {
  organizations: Map<number, { name: string; kind: OrganizationKind; parent_id: number | null }>;
}

/** The organisations above the given ones (issue 21: a county reads its sub-organisations' items). */
const ancestorsOf = (ctx: Context, ids: number[]) => unique(ids.flatMap((id) => ancestorsIn(ctx.organizations, id)));

const orgName = (ctx: Context, id: number | null | undefined) => (id ? ctx.organizations.get(id)?.name ?? "" : "");
const joinText = (...parts: (string | null | undefined | false)[]) => parts.filter((p): p is string => !!p && p.trim() !== "").join(" ");
const unique = (ids: (number | null | undefined)[]) => [...new Set(ids.filter((id): id is number => typeof id === "number"))];

type Loader = (db: Db, ids: number[], ctx: Context) => Promise<SearchDocument[]>;

const LOADERS: Record<Exclude<SearchKind, "issued_question">, Loader> = {
  async inquiry(db, ids, ctx) {
    const rows = await db
      .selectFrom("inquiries")
      .select(["id", "title", "topic", "plan_text", "organizing_body", "meeting_date", "created_at"])
      .where("id", "in", ids)
      .where(notVoided("inquiries", { inquiry: true }))
      .execute();
    const links = await db.selectFrom("inquiry_organizations").select(["inquiry_id", "organization_id"]).where("inquiry_id", "in", ids).execute();
    const meetings = await db
      .selectFrom("meetings")
      .select(["id", "inquiry_id", "meeting_date", "chair_name", "chair_title", "government_organization_id", "government_responder_name", "government_responder_title"])
      .where("inquiry_id", "in", ids)
      .execute();
    const officials = meetings.length
      ? await db.selectFrom("meeting_officials").select(["meeting_id", "organization_id", "name", "title"]).where("meeting_id", "in", meetings.map((m) => m.id)).orderBy("position").execute()
      : [];
    return rows.map((r) => {
      const orgs = links.filter((l) => l.inquiry_id === r.id).map((l) => l.organization_id);
      const m = meetings.find((x) => x.inquiry_id === r.id);
      const people = m ? officials.filter((o) => o.meeting_id === m.id) : [];
      return {
        code: 1,
        recordId: r.id,
        inquiryId: r.id,
        title: r.title,
        body: joinText(
          r.topic,
          r.plan_text,
          r.organizing_body && `组织单位：${r.organizing_body}`,
          orgs.length > 0 && `应询部门：${orgs.map((o) => orgName(ctx, o)).join("、")}`,
          m?.chair_name && `主持人：${m.chair_title}${m.chair_name}`,
          m?.government_responder_name && `应询：${orgName(ctx, m.government_organization_id)}${m.government_responder_title}${m.government_responder_name}`,
          people.length > 0 && `应询人员：${people.map((p) => `${orgName(ctx, p.organization_id)}${p.title}${p.name}`).join("、")}`,
        ),
        at: m?.meeting_date ?? r.meeting_date ?? dateInShanghai(r.created_at),
        organizationIds: unique([...orgs, m?.government_organization_id, ...people.map((p) => p.organization_id)]),
        canRead: (u) => canReadInquiry(u, r.id),
      };
    });
  },

  async research_activity(db, ids) {
    const rows = await db.selectFrom("research_activities").select(["id", "inquiry_id", "kind", "title", "places", "participants", "findings_text", "start_date"]).where("id", "in", ids).where(liveInquiryOf("research_activities.inquiry_id")).execute();
    return rows.map((r) => ({
      code: 2,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: `${r.kind}：${r.title}`,
      body: joinText(r.places, r.participants, r.findings_text),
      at: r.start_date,
      organizationIds: [],
      canRead: (u) => canReadInquiry(u, r.inquiry_id),
    }));
  },

  async research_finding(db, ids) {
    const rows = await db.selectFrom("research_findings").select(["id", "inquiry_id", "text", "created_at"]).where("id", "in", ids).where(liveInquiryOf("research_findings.inquiry_id")).execute();
    return rows.map((r) => ({
      code: 3,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: "问题线索",
      body: r.text,
      at: dateInShanghai(r.created_at),
      organizationIds: [],
      canRead: (u) => canReadInquiry(u, r.inquiry_id),
    }));
  },

  async survey_report(db, ids, ctx) {
    const rows = await db
      .selectFrom("survey_delegations")
      .select(["id", "inquiry_id", "organization_id", "status", "report_text", "submitted_at", "created_at"])
      .where("id", "in", ids)
      .where(notVoided("survey_delegations"))
      .execute();
    return rows.map((r) => ({
      code: 4,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: `${orgName(ctx, r.organization_id)}调研报告`,
      body: r.report_text,
      at: dateInShanghai(r.submitted_at ?? r.created_at),
      organizationIds: [r.organization_id],
      canRead: (u) => canReadDelegationReport(u, r),
    }));
  },

  async outline_question(db, ids, ctx) {
    const rows = await db
      .selectFrom("outline_questions")
      .select(["id", "inquiry_id", "text", "department_id", "questioner_name", "questioner_role", "created_at"])
      .where("id", "in", ids)
      .where(notVoided("outline_questions"))
      .execute();
    return rows.map((r) => ({
      code: 5,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: "提纲问题",
      body: joinText(r.text, `应询部门：${orgName(ctx, r.department_id)}`, r.questioner_name && `询问人：${r.questioner_role}${r.questioner_name}`),
      at: dateInShanghai(r.created_at),
      organizationIds: [r.department_id],
      // the live outline, as it is being drafted: staff and members (a department reads the issued version)
      canRead: (u) => canReadWholeOutline(u, r.inquiry_id),
    }));
  },

  async preparation_answer(db, ids, ctx) {
    const rows = await db
      .selectFrom("preparation_answers")
      .select(["id", "inquiry_id", "department_id", "status", "answer_text", "submitted_at", "updated_at"])
      .where("id", "in", ids)
      .where(liveQuestionRef("preparation_answers.question_id"))
      .where(liveInquiryOf("preparation_answers.inquiry_id"))
      .execute();
    return rows.map((r) => ({
      code: 6,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: "书面准备答复",
      body: joinText(r.answer_text, `答复单位：${orgName(ctx, r.department_id)}`),
      at: dateInShanghai(r.submitted_at ?? r.updated_at),
      organizationIds: [r.department_id],
      canRead: (u) => canReadPreparationAnswerText(u, r),
    }));
  },

  async exchange(db, ids, ctx) {
    const segments = await db
      .selectFrom("meeting_segments as s")
      .innerJoin("meetings as m", "m.id", "s.meeting_id")
      .select(["s.id", "s.inquiry_id", "s.kind", "s.keyword", "s.questioner_name", "s.questioner_role", "s.department_id", "s.created_at", "m.meeting_date", "m.digest_published_at", "m.digest_segment_kinds"])
      .where("s.id", "in", ids)
      .where(notVoided("s"))
      .execute();
    const turns = segments.length
      ? await db
          .selectFrom("meeting_turns")
          .select(["segment_id", "speaker_name", "speaker_title", "organization_id", "body_text"])
          .where("segment_id", "in", segments.map((s) => s.id))
          .orderBy("segment_id", (ob) => ob.asc().nullsFirst())
          .orderBy("position")
          .execute()
      : [];
    return segments.map((s) => {
      const own = turns.filter((t) => t.segment_id === s.id);
      const organizationIds = unique([s.department_id, ...own.map((t) => t.organization_id)]);
      const scope = { inquiryId: s.inquiry_id, kind: s.kind, organizationIds, digestPublished: s.digest_published_at !== null, inDigest: parseKinds(s.digest_segment_kinds).includes(s.kind) };
      const questionerNamed = !s.questioner_name || own.some((t) => t.speaker_name === s.questioner_name);
      return {
        code: 7,
        recordId: s.id,
        inquiryId: s.inquiry_id,
        title: s.keyword !== "" ? s.keyword : "询问会发言",
        body: joinText(
          !questionerNamed && `询问人：${s.questioner_role}${s.questioner_name}`,
          ...own.map((t) => (t.speaker_name ? `${t.speaker_title}${t.speaker_name}：${t.body_text}` : t.body_text)),
          s.department_id !== null && `应询部门：${orgName(ctx, s.department_id)}`,
        ),
        at: s.meeting_date ?? dateInShanghai(s.created_at),
        organizationIds,
        canRead: (u) => canReadMeetingSegment(u, scope),
      };
    });
  },

  async rectification_item(db, ids, ctx) {
    const rows = await db
      .selectFrom("rectification_items")
      .select(["id", "inquiry_id", "number", "problem", "requirement", "lead_department_id", "deadline"])
      .where("id", "in", ids)
      .where(notVoided("rectification_items"))
      .execute();
    const co = await db.selectFrom("rectification_codepartments").select(["item_id", "organization_id"]).where("item_id", "in", ids).execute();
    return rows.map((r) => {
      const codepartment_ids = co.filter((c) => c.item_id === r.id).map((c) => c.organization_id);
      const scope = { inquiry_id: r.inquiry_id, lead_department_id: r.lead_department_id, codepartment_ids, ancestor_ids: ancestorsOf(ctx, [r.lead_department_id, ...codepartment_ids]) };
      return {
        code: 8,
        recordId: r.id,
        inquiryId: r.inquiry_id,
        title: `整改事项 ${r.number}`,
        body: joinText(
          r.problem,
          r.requirement,
          `牵头单位：${orgName(ctx, r.lead_department_id)}`,
          scope.codepartment_ids.length > 0 && `配合单位：${scope.codepartment_ids.map((o) => orgName(ctx, o)).join("、")}`,
        ),
        at: r.deadline,
        organizationIds: unique([r.lead_department_id, ...scope.codepartment_ids, ...scope.ancestor_ids]),
        canRead: (u) => canReadItem(u, scope),
      };
    });
  },

  async progress_report(db, ids, ctx) {
    const rows = await db
      .selectFrom("progress_reports as p")
      .innerJoin("rectification_items as i", "i.id", "p.item_id")
      .select(["p.id", "p.inquiry_id", "p.item_id", "p.organization_id", "p.kind", "p.body_text", "p.created_at", "i.lead_department_id"])
      .where("p.id", "in", ids)
      .where(notVoided("i"))
      .execute();
    const co = rows.length
      ? await db.selectFrom("rectification_codepartments").select(["item_id", "organization_id"]).where("item_id", "in", unique(rows.map((r) => r.item_id))).execute()
      : [];
    return rows.map((r) => {
      const codepartment_ids = co.filter((c) => c.item_id === r.item_id).map((c) => c.organization_id);
      const scope = { inquiry_id: r.inquiry_id, lead_department_id: r.lead_department_id, codepartment_ids, ancestor_ids: ancestorsOf(ctx, [r.lead_department_id, ...codepartment_ids]) };
      return {
        code: 9,
        recordId: r.id,
        inquiryId: r.inquiry_id,
        title: r.kind === "closure_request" ? "销号申请" : "整改进展",
        body: joinText(r.body_text, `报送单位：${orgName(ctx, r.organization_id)}`),
        at: dateInShanghai(r.created_at),
        organizationIds: unique([r.organization_id, r.lead_department_id, ...scope.codepartment_ids, ...scope.ancestor_ids]),
        canRead: (u) => canReadItem(u, scope),
      };
    });
  },

  async attachment(db, ids) {
    const rows = await db.selectFrom("attachments").select(["id", "inquiry_id", "owner_type", "owner_id", "file_name", "created_at"]).where("id", "in", ids).where(liveAttachment).execute();
    const docs: SearchDocument[] = [];
    for (const r of rows) {
      // the same owner resolution and policy function as the download (app/routes/attachments.$id.tsx)
      const owner = await attachmentOwner(db, r);
      docs.push({
        code: 10,
        recordId: r.id,
        inquiryId: r.inquiry_id,
        title: "附件",
        body: r.file_name,
        at: dateInShanghai(r.created_at),
        organizationIds: unique([...owner.delegationOrganizationIds, ...(("rectificationOrganizationIds" in owner ? owner.rectificationOrganizationIds : undefined) ?? [])]),
        canRead: (u) => canReadAttachment(u, owner),
      });
    }
    return docs;
  },

  async written_reply(db, ids, ctx) {
    const rows = await db
      .selectFrom("written_replies")
      .select(["id", "inquiry_id", "department_id", "question_text", "answer_text", "due_date"])
      .where("id", "in", ids)
      .where(liveInquiryOf("written_replies.inquiry_id"))
      .where(liveSegmentRef("written_replies.segment_id"))
      .execute();
    return rows.map((r) => ({
      code: 11,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: "书面答复",
      body: joinText(r.question_text, r.answer_text, `承办部门：${orgName(ctx, r.department_id)}`),
      at: r.due_date,
      organizationIds: [r.department_id],
      canRead: (u) => canReadWrittenReply(u, r),
    }));
  },

  async handling_report(db, ids) {
    const rows = await db.selectFrom("handling_reports").select(["id", "inquiry_id", "round", "body_text", "submitted_at", "due_date"]).where("id", "in", ids).where(liveInquiryOf("handling_reports.inquiry_id")).execute();
    return rows.map((r) => ({
      code: 12,
      recordId: r.id,
      inquiryId: r.inquiry_id,
      title: `研究处理情况报告（第${r.round}次）`,
      body: r.body_text,
      at: r.submitted_at ? dateInShanghai(r.submitted_at) : r.due_date,
      organizationIds: [],
      canRead: (u) => canReadHandlingReport(u, r.inquiry_id),
    }));
  },
};

/** The questions of an inquiry's issued outline version, as the departments received them. */
async function issuedQuestionDocuments(db: Db, inquiryId: number, ctx: Context): Promise<SearchDocument[]> {
  const row = await db
    .selectFrom("inquiries as i")
    .innerJoin("outline_versions as v", "v.id", "i.outline_issued_version_id")
    .select(["v.snapshot_json", "v.issued_at", "v.submitted_at"])
    .where("i.id", "=", inquiryId)
    .where(notVoided("i", { inquiry: true }))
    .executeTakeFirst();
  if (!row) return [];
  // a question voided after it was issued leaves the departments' search too
  const voided = new Set(
    (await db.selectFrom("outline_questions").select("id").where("inquiry_id", "=", inquiryId).where("voided_at", "is not", null).execute()).map((r) => r.id),
  );
  return parseSnapshot(row.snapshot_json).keywords.flatMap((k) =>
    k.questions.filter((q) => !voided.has(q.id)).map((q) => ({
      code: 13,
      recordId: q.id,
      inquiryId,
      title: "提纲问题",
      body: joinText(q.text, `应询部门：${q.departmentName || orgName(ctx, q.departmentId)}`, q.questionerName && `询问人：${q.questionerRole}${q.questionerName}`),
      at: dateInShanghai(row.issued_at ?? row.submitted_at),
      organizationIds: [q.departmentId],
      // those who do not read the whole outline (staff and members find the live question) but may open the
      // question's page: the department it was issued to
      canRead: (u: Reader) => !canReadWholeOutline(u, inquiryId) && canReadPreparationAnswer(u, { departmentId: q.departmentId, inquiryId }),
    })),
  );
}

/** The year an inquiry files its records under: its meeting date's, else the Shanghai year it was registered. */
async function inquiryYears(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("inquiries").select(["id", "meeting_date", "created_at"]).where("id", "in", ids).execute();
  const meetings = await db.selectFrom("meetings").select(["inquiry_id", "meeting_date"]).where("inquiry_id", "in", ids).where("meeting_date", "is not", null).execute();
  return new Map(
    rows.map((r) => {
      const date = meetings.find((m) => m.inquiry_id === r.id)?.meeting_date ?? r.meeting_date ?? dateInShanghai(r.created_at);
      return [r.id, date.slice(0, 4)];
    }),
  );
}

async function writeDocuments(db: Db, docs: SearchDocument[], ctx: Context): Promise<void> {
  if (docs.length === 0) return;
  const years = await inquiryYears(db, unique(docs.map((d) => d.inquiryId)));
  const kindOf = (id: number) => ctx.organizations.get(id)?.kind ?? null;
  const rows = docs.map((d) => {
    const facets = [
      ...readerTokens(d.canRead, d.organizationIds, kindOf, d.inquiryId),
      ...(d.inquiryId !== null ? [`i${d.inquiryId}`] : []),
      ...(d.inquiryId !== null && years.get(d.inquiryId) ? [`y${years.get(d.inquiryId)}`] : []),
      ...d.organizationIds.map((o) => `o${o}`),
    ].join(" ");
    const kind = KIND_OF_CODE.get(d.code)!;
    return sql`(${d.code * ROWID_BASE + d.recordId}, ${indexGrams(`${d.title} ${d.body}`)}, ${facets}, ${kind}, ${d.recordId}, ${d.inquiryId}, ${d.title}, ${d.body}, ${d.at})`;
  });
  for (let i = 0; i < rows.length; i += 200) {
    await sql`insert into search_index (rowid, grams, facets, kind, record_id, inquiry_id, title, body, at) values ${sql.join(rows.slice(i, i + 200))}`.execute(db);
  }
}

async function deleteRowids(db: Db, rowids: number[]): Promise<void> {
  for (let i = 0; i < rowids.length; i += 500) {
    await sql`delete from search_index where rowid in (${sql.join(rowids.slice(i, i + 500))})`.execute(db);
  }
}

/** Rebuilds the documents of the given queue entries (inside the caller's transaction). */
async function indexQueued(db: Db, queued: number[]): Promise<void> {
  const organizations = new Map(
    (await db.selectFrom("organizations").select(["id", "name", "kind", "parent_id"]).execute()).map((o) => [o.id, { name: o.name, kind: o.kind, parent_id: o.parent_id }]),
  );
  const ctx: Context = { organizations };
  const byCode = new Map<number, number[]>();
  for (const rowid of queued) {
    const code = Math.floor(rowid / ROWID_BASE);
    byCode.set(code, [...(byCode.get(code) ?? []), rowid - code * ROWID_BASE]);
  }
  const issuedInquiries = new Set(byCode.get(ISSUED_OUTLINE_CODE) ?? []);
  // an issued question's document is rebuilt with its whole outline version
  const issuedIds = byCode.get(13) ?? [];
  if (issuedIds.length > 0) {
    const { rows } = await sql<{ inquiry_id: number }>`select inquiry_id from search_index where rowid in (${sql.join(issuedIds.map((id) => 13 * ROWID_BASE + id))})`.execute(db);
    for (const r of rows) if (r.inquiry_id !== null) issuedInquiries.add(Number(r.inquiry_id));
  }
  for (const { code, kind } of SEARCH_KINDS) {
    if (kind === "issued_question") continue;
    const ids = byCode.get(code);
    if (!ids?.length) continue;
    await deleteRowids(db, ids.map((id) => code * ROWID_BASE + id));
    for (let i = 0; i < ids.length; i += 500) await writeDocuments(db, await LOADERS[kind](db, ids.slice(i, i + 500), ctx), ctx);
  }
  for (const inquiryId of issuedInquiries) {
    const hasInquiry = engineOf(db) === "postgres" ? sql`facets_tsv @@ cast(${`i${inquiryId}`} as tsquery)` : sql`search_index match ${`facets : i${inquiryId}`}`;
    const { rows } = await sql<{ rowid: number }>`select rowid from search_index where ${hasInquiry}
      and rowid between ${13 * ROWID_BASE} and ${14 * ROWID_BASE - 1}`.execute(db);
    await deleteRowids(db, rows.map((r) => Number(r.rowid)));
    await writeDocuments(db, await issuedQuestionDocuments(db, inquiryId, ctx), ctx);
  }
}

/** Whether writes have queued documents that are not yet (re)built. */
export async function searchIndexPending(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`select 1 as one from search_queue limit 1`.execute(db);
  return rows.length > 0;
}

/**
 * Drains the queue: rebuilds every queued document, `batchSize` entries per write transaction (so other
 * writers interleave while a large backlog — a migrated archive — is indexed). Returns how many entries were
 * processed.
 */
export async function syncSearchIndex(db: Kysely<Database>, batchSize = 500): Promise<number> {
  let done = 0;
  for (;;) {
    const n = await writeTransaction(db, async (trx) => {
      // one drainer at a time across processes: two would index the same queued rows (decision 0175)
      await advisoryLock(trx, "search-queue");
      const { rows } = await sql<{ rowid: number }>`select rowid from search_queue order by rowid limit ${batchSize}`.execute(trx);
      if (rows.length === 0) return 0;
      const queued = rows.map((r) => Number(r.rowid));
      await indexQueued(trx, queued);
      await sql`delete from search_queue where rowid in (${sql.join(queued)})`.execute(trx);
      return queued.length;
    });
    if (n === 0) return done;
    done += n;
  }
}

/** Rebuilds the whole index from the source tables (after a bulk load, e.g. the benchmark generator). */
export async function rebuildSearchIndex(db: Kysely<Database>): Promise<number> {
  await writeTransaction(db, async (trx) => {
    await advisoryLock(trx, "search-queue");
    await sql`delete from search_index`.execute(trx);
    for (const { code, table } of SEARCH_KINDS) {
      if (table) await sql`insert into search_queue (rowid) select ${code * ROWID_BASE} + id from ${sql.table(table)} where true on conflict do nothing`.execute(trx);
    }
    await sql`insert into search_queue (rowid) select ${ISSUED_OUTLINE_CODE * ROWID_BASE} + id from inquiries where outline_issued_version_id is not null on conflict do nothing`.execute(trx);
  });
  return syncSearchIndex(db);
}
