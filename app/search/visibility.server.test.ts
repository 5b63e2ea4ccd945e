import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/schema";
import { attachmentOwner } from "../attachments/attachments.server";
import type { CurrentUser } from "../auth/session.server";
import { createInquiry } from "../inquiries/inquiries.server";
import { getPublishedDigest } from "../meeting/digest.server";
import { departmentTranscript, transcriptDepartments } from "../meeting/corrections.server";
import { getWrittenReply } from "../meeting/written-replies.server";
import { loadRecord } from "../meeting/segments.server";
import { addKeyword } from "../outline/keywords.server";
import { addQuestion, updateQuestion } from "../outline/questions.server";
import { decideOutline, issueOutline, reopenOutline, submitOutline } from "../outline/versions.server";
import { getOutlineHead, getQuestion } from "../outline/drafting.server";
import { issuedQuestion, savePreparationAnswer } from "../outline/preparation-answers.server";
import {
  can,
  canReadAttachment,
  canReadDelegation,
  canReadDelegationReport,
  canReadDepartmentTranscript,
  canReadDigest,
  canReadHandlingReport,
  canReadInquiry,
  canReadItem,
  canReadMeetingRecord,
  canReadPreparationAnswer,
  canReadPreparationAnswerText,
  canReadWholeOutline,
  canReadWrittenReply,
} from "../policy.server";
import { parseRichText } from "../richtext/richtext.server";
import { getDelegation } from "../surveys/surveys.server";
import { approvePlanForTest, createTestDb, makeOrganization, makeUser, type TestDb } from "../test/db";
import { parseSearchQuery, search } from "./search.server";
import type { Result } from "../utils/result";

/**
 * Issue 16 item 3: search shows exactly what the pages show. For every indexed record kind (each in the states
 * that matter: drafts and submitted work, a reopened outline with a new and an edited question, published and
 * unpublished exchanges, items with co-departments, attachments of each owner) and every role and organisation,
 * a search for the record's marker word finds it iff the page that shows the record — its loader's own domain
 * functions and policy checks, called here as the loader calls them — shows that text to the user.
 */
type Who = Pick<CurrentUser, "role" | "organizationId" | "organizationKind"> & { name: string; memberInquiryIds?: number[] };
type Db = TestDb["db"];

const now = "2026-02-01T02:00:00.000Z";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}
function ok(result: Result): number {
  if (!result.ok) throw new Error(`expected ok, got ${result.field}: ${result.message}`);
  return result.id;
}

describe("search visibility equals page visibility, for every role and record kind", () => {
  let t: TestDb;
  let users: Who[];
  /** marker word → whether the page that shows it shows it to this user */
  let pages: Map<string, (u: Who) => Promise<boolean>>;
  let inquiryId: number;
  let meetingId: number;

  beforeEach(async () => {
    t = await createTestDb();
    const db = t.db;
    const A = await makeOrganization(db, { name: "市卫生健康委员会", kind: "department" });
    const B = await makeOrganization(db, { name: "市教育局", kind: "department" });
    const G = await makeOrganization(db, { name: "市人民政府", kind: "government" });
    const CA = await makeOrganization(db, { name: "温县人大常委会", kind: "county_congress" });
    const CB = await makeOrganization(db, { name: "武陟县人大常委会", kind: "county_congress" });
    const staffUser = await makeUser(db, { role: "staff" });
    const deptA = await makeUser(db, { role: "department", organizationId: A });
    const deptB = await makeUser(db, { role: "department", organizationId: B });
    users = [
      { name: "admin", role: "admin", organizationId: null, organizationKind: null },
      { name: "staff", role: "staff", organizationId: null, organizationKind: null },
      { name: "member", role: "member", organizationId: null, organizationKind: null },
      { name: "deptA", role: "department", organizationId: A, organizationKind: "department" },
      { name: "deptB", role: "department", organizationId: B, organizationKind: "department" },
      { name: "gov", role: "department", organizationId: G, organizationKind: "government" },
      { name: "countyA", role: "county", organizationId: CA, organizationKind: "county_congress" },
      { name: "countyB", role: "county", organizationId: CB, organizationKind: "county_congress" },
    ];
    pages = new Map();

    inquiryId = ok(
      await createInquiry(db, staffUser.actor, {
        title: "全市义务教育控辍保学工作专题询问",
        topic: "zqxinq 控辍保学",
        congress: "焦作市人大常委会",
        sessionName: "",
        organizingBody: "",
        meetingDate: "2026-09-22",
        legalBasis: "",
        notes: "",
        respondingOrganizationIds: [A, B],
      }),
    );
    // the outline and meeting come after the council's approval (issue 23 item 3)
    await approvePlanForTest(db, inquiryId);
    // members: one who takes part in the inquiry, one who does not (docs/decisions/0031)
    users.find((u) => u.name === "member")!.memberInquiryIds = [inquiryId];
    users.push({ name: "outsider", role: "member", organizationId: null, organizationKind: null, memberInquiryIds: [] });
    // the overview page: requirePermission(request, "inquiry:list")
    pages.set("zqxinq", async (u) => can(u, "inquiry:list") && canReadInquiry(u, inquiryId));

    const attach = async (ownerType: Database["attachments"]["owner_type"], ownerId: number, marker: string) => {
      const row = await db
        .insertInto("attachments")
        .values({ inquiry_id: inquiryId, owner_type: ownerType, owner_id: ownerId, file_name: `${marker}.pdf`, mime_type: "application/pdf", size: 8, sha256: "a".repeat(64), uploaded_by: null, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      // the download route: canReadAttachment(user, await attachmentOwner(db, attachment))
      pages.set(marker, async (u) => {
        const attachment = await db.selectFrom("attachments").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
        return canReadAttachment(u, await attachmentOwner(db, attachment));
      });
    };
    await attach("inquiry_plan", inquiryId, "zqxfileplan");

    // 会前调研: the research pages (canReadInquiry)
    const activity = await db
      .insertInto("research_activities")
      .values({ inquiry_id: inquiryId, kind: "专题调研", title: "实地调研", start_date: "2026-03-01", end_date: "2026-03-02", findings_text: "zqxact 发现", created_by: null, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    pages.set("zqxact", async (u) => canReadInquiry(u, inquiryId));
    await attach("research_activity", activity.id, "zqxfileact");
    await db.insertInto("research_findings").values({ inquiry_id: inquiryId, activity_id: activity.id, text: "zqxfnd 线索", created_by: null, created_at: now }).execute();
    pages.set("zqxfnd", async (u) => canReadInquiry(u, inquiryId));

    // 委托调研: one report submitted, one still a draft; the survey page reads the delegation, shows the report
    const request = await db.insertInto("survey_requests").values({ inquiry_id: inquiryId, title: "委托调研", due_date: "2026-05-01", created_by: null, created_at: now }).returning("id").executeTakeFirstOrThrow();
    await attach("survey_request", request.id, "zqxfilereq");
    for (const [org, status, marker] of [[CA, "submitted", "zqxrepa"], [CB, "pending", "zqxrepb"]] as const) {
      const d = await db
        .insertInto("survey_delegations")
        .values({ request_id: request.id, inquiry_id: inquiryId, organization_id: org, status, report_text: `${marker} 报告`, submitted_at: status === "submitted" ? now : null, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      pages.set(marker, async (u) => {
        const delegation = (await getDelegation(db, d.id))!;
        return canReadDelegation(u, delegation) && canReadDelegationReport(u, delegation);
      });
      await attach("survey_report", d.id, `zqxfile${marker.slice(3)}`);
    }

    // 询问提纲: issued, answered (A submitted, B a draft), then reopened: A's question edited, a new one added
    const rev = async () => (await getOutlineHead(db, inquiryId))!.outline_revision;
    const question = (keywordId: number, text: string, departmentId: number) => ({ keywordId, text, departmentId, questioner: { kind: "none" as const }, sources: [], staffNotes: "" });
    const k = ok(await addKeyword(db, staffUser.actor, { inquiryId, revision: await rev(), keyword: "控辍保学", headline: "" }));
    const qA = ok(await addQuestion(db, staffUser.actor, { inquiryId, revision: await rev(), ...question(k, "zqxqa 问题", A) }));
    const qB = ok(await addQuestion(db, staffUser.actor, { inquiryId, revision: await rev(), ...question(k, "zqxqb 问题", B) }));
    ok(await submitOutline(db, staffUser.actor, { inquiryId, revision: await rev() }));
    ok(await decideOutline(db, staffUser.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2026-04-01", note: "" }));
    ok(await issueOutline(db, staffUser.actor, { inquiryId, revision: await rev() }));
    const answerA = ok(await savePreparationAnswer(db, deptA.actor, { inquiryId, questionId: qA, departmentId: A, version: 0, answer: rich("zqxansa 答复"), submit: true, files: [] }));
    const answerB = ok(await savePreparationAnswer(db, deptB.actor, { inquiryId, questionId: qB, departmentId: B, version: 0, answer: rich("zqxansb 草稿"), submit: false, files: [] }));
    await attach("preparation_answer", answerA, "zqxfileansa");
    await attach("preparation_answer", answerB, "zqxfileansb");
    ok(await reopenOutline(db, staffUser.actor, { inquiryId, revision: await rev() }));
    ok(await updateQuestion(db, staffUser.actor, { inquiryId, revision: await rev(), id: qA, ...question(k, "zqxqedit 改后", A) }));
    const qNew = ok(await addQuestion(db, staffUser.actor, { inquiryId, revision: await rev(), ...question(k, "zqxqnew 新增", A) }));
    // the question page: the whole outline's live text for staff and members; for a department the issued
    // version's text of a question issued to it
    const questionPage = async (u: Who, questionId: number, marker: string) => {
      if (canReadWholeOutline(u, inquiryId)) return (await getQuestion(db, inquiryId, questionId))?.question.text.includes(marker) ?? false;
      const issued = await issuedQuestion(db, inquiryId, questionId);
      return !!issued && canReadPreparationAnswer(u, { ...issued.question, inquiryId }) && issued.question.text.includes(marker);
    };
    pages.set("zqxqa", (u) => questionPage(u, qA, "zqxqa"));
    pages.set("zqxqedit", (u) => questionPage(u, qA, "zqxqedit"));
    pages.set("zqxqb", (u) => questionPage(u, qB, "zqxqb"));
    pages.set("zqxqnew", (u) => questionPage(u, qNew, "zqxqnew"));
    const answerPage = async (u: Who, questionId: number, answerId: number) => {
      const open = canReadWholeOutline(u, inquiryId) || (await questionPage(u, questionId, ""));
      const answer = await db.selectFrom("preparation_answers").selectAll().where("id", "=", answerId).executeTakeFirstOrThrow();
      return open && canReadPreparationAnswerText(u, answer);
    };
    pages.set("zqxansa", (u) => answerPage(u, qA, answerA));
    pages.set("zqxansb", (u) => answerPage(u, qB, answerB));

    // 询问会: exchanges answered by A and by B, an opening speech (not in the digest) and a closing one (in it)
    meetingId = (
      await db
        .insertInto("meetings")
        .values({ inquiry_id: inquiryId, meeting_date: "2026-09-22", digest_segment_kinds: JSON.stringify(["exchange", "closing"]), created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    let position = 0;
    for (const [kind, department, marker] of [["exchange", A, "zqxexa"], ["exchange", B, "zqxexb"], ["opening", null, "zqxopen"], ["closing", null, "zqxclose"]] as const) {
      const s = await db
        .insertInto("meeting_segments")
        .values({ meeting_id: meetingId, inquiry_id: inquiryId, kind, position: ++position, department_id: department, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db
        .insertInto("meeting_turns")
        .values({ segment_id: s.id, position: 1, kind: kind === "exchange" ? "answer" : "speech", organization_id: department, body_text: `${marker} 发言`, created_at: now, updated_at: now })
        .execute();
      pages.set(marker, (u) => segmentPages(db, u, s.id));
    }

    // 整改: item of A with B as co-department, item of B; progress on each; evidence on A's
    const item = async (lead: number, marker: string, co: number[]) => {
      const row = await db
        .insertInto("rectification_items")
        .values({ inquiry_id: inquiryId, number: lead, problem: `${marker} 问题`, lead_department_id: lead, deadline: "2026-12-31", original_deadline: "2026-12-31", created_by: null, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const o of co) await db.insertInto("rectification_codepartments").values({ item_id: row.id, organization_id: o }).execute();
      const scope = { inquiry_id: inquiryId, lead_department_id: lead, codepartment_ids: co };
      pages.set(marker, async (u) => canReadItem(u, scope));
      const report = await db
        .insertInto("progress_reports")
        .values({ item_id: row.id, inquiry_id: inquiryId, organization_id: lead, body_text: `${marker.replace("item", "prog")} 进展`, created_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      pages.set(marker.replace("item", "prog"), async (u) => canReadItem(u, scope));
      await attach("progress_report", report.id, marker.replace("item", "fileprog"));
    };
    await item(A, "zqxitema", [B]);
    await item(B, "zqxitemb", []);

    // 书面答复 of A, and the government's handling report, each with a file
    const reply = await db
      .insertInto("written_replies")
      .values({ inquiry_id: inquiryId, department_id: A, question_text: "zqxwra 问题", due_date: "2026-10-30", created_by: null, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    pages.set("zqxwra", async (u) => canReadWrittenReply(u, (await getWrittenReply(db, reply.id))!));
    await attach("written_reply", reply.id, "zqxfilewra");
    const handling = await db
      .insertInto("handling_reports")
      .values({ inquiry_id: inquiryId, round: 1, due_date: "2026-12-22", status: "submitted", body_text: "zqxhand 报告", submitted_at: now, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    pages.set("zqxhand", async (u) => canReadHandlingReport(u, inquiryId));
    await attach("handling_report", handling.id, "zqxfilehand");
  });
  afterEach(() => t.cleanup());

  /** The meeting pages that show a segment: the whole record, a department's transcript, the public digest. */
  async function segmentPages(db: Db, u: Who, segmentId: number): Promise<boolean> {
    const meeting = await db.selectFrom("meetings").select(["digest_published_at"]).where("id", "=", meetingId).executeTakeFirstOrThrow();
    const published = meeting.digest_published_at !== null;
    if (canReadMeetingRecord(u, inquiryId) && (await loadRecord(db, meetingId)).some((s) => s.id === segmentId)) return true;
    for (const { id } of await transcriptDepartments(db, meetingId)) {
      if (canReadDepartmentTranscript(u, id, published, inquiryId) && (await departmentTranscript(db, meetingId, id)).some((s) => s.id === segmentId)) return true;
    }
    if (canReadDigest(u, published, inquiryId)) {
      const digest = await getPublishedDigest(db, inquiryId);
      const ids = digest ? [...digest.before, ...digest.groups.flatMap((g) => g.exchanges), ...digest.after].map((x) => x.id) : [];
      if (ids.includes(segmentId)) return true;
    }
    return false;
  }

  async function compare(): Promise<{ mismatches: string[]; shown: number; hidden: number }> {
    const mismatches: string[] = [];
    let shown = 0;
    let hidden = 0;
    for (const [marker, page] of pages) {
      const parsed = parseSearchQuery(marker);
      if (!parsed.ok) throw new Error(parsed.message);
      for (const u of users) {
        const result = await search(t.db, u, parsed, { page: 1, pageSize: 20 });
        const found = result.total > 0;
        const allowed = await page(u);
        if (found !== allowed) mismatches.push(`${u.name} ${marker}: search ${found ? "finds" : "hides"} it, the page ${allowed ? "shows" : "refuses"} it`);
        if (allowed) shown++;
        else hidden++;
        // a hit is a hit on that record only, and its count never exceeds what is shown
        expect(result.total).toBe(found ? 1 : 0);
      }
    }
    return { mismatches, shown, hidden };
  }

  it("before and after the digest is published", async () => {
    const before = await compare();
    expect(before.mismatches).toEqual([]);
    // the comparison has both sides for every role
    expect(before.shown).toBeGreaterThan(60);
    expect(before.hidden).toBeGreaterThan(60);
    await t.db.updateTable("meetings").set({ digest_published_at: now }).where("id", "=", meetingId).execute();
    const after = await compare();
    expect(after.mismatches).toEqual([]);
    expect(after.shown).toBeGreaterThan(before.shown);
  });

  it("the named leaks: a reopened outline's new and edited questions, drafts and their files", async () => {
    const finds = async (name: string, q: string) => {
      const parsed = parseSearchQuery(q);
      if (!parsed.ok) throw new Error(parsed.message);
      return (await search(t.db, users.find((u) => u.name === name)!, parsed, { page: 1, pageSize: 20 })).total;
    };
    // the department finds the question as issued to it, not the text staff are drafting
    expect([await finds("deptA", "zqxqa"), await finds("deptA", "zqxqedit"), await finds("deptA", "zqxqnew")]).toEqual([1, 0, 0]);
    expect([await finds("staff", "zqxqedit"), await finds("staff", "zqxqnew")]).toEqual([1, 1]);
    // drafts stay their authors' until submitted, text and files
    for (const name of ["admin", "staff", "member"]) {
      expect([await finds(name, "zqxrepb"), await finds(name, "zqxfilerepb"), await finds(name, "zqxansb"), await finds(name, "zqxfileansb")], name).toEqual([0, 0, 0, 0]);
      expect([await finds(name, "zqxrepa"), await finds(name, "zqxansa"), await finds(name, "zqxfileansa")], name).toEqual([1, 1, 1]);
    }
    expect([await finds("countyB", "zqxrepb"), await finds("countyB", "zqxfilerepb"), await finds("deptB", "zqxansb"), await finds("deptB", "zqxfileansb")]).toEqual([1, 1, 1, 1]);
  });
});
