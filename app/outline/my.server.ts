import { notVoided } from "../history/void.server";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { OUTLINE_STATUS_LABELS } from "./labels";
import { todayInShanghai } from "../utils/time";
import { issuedQuestionsFor, preparationOpen } from "./preparation-answers.server";
import { memberProposals, proposalsOpen } from "./proposals.server";

/**
 * The outline's parts of the personal pages: a department's issued questions (for /my) and a member's
 * proposals and own questions (for the home page). Each returns null for other roles.
 */
export async function loadMyOutlineQuestions(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "organizationId">) {
  if (user.role !== "department" || user.organizationId === null) return null;
  const inquiries = await db
    .selectFrom("inquiries")
    .select(["id", "stage", "meeting_date"])
    .where("outline_issued_version_id", "is not", null)
    .where(notVoided("inquiries", { inquiry: true }))
    .orderBy("meeting_date", (ob) => ob.desc().nullsLast())
    .orderBy("id", "desc")
    .execute();
  const groups = [];
  const today = todayInShanghai();
  for (const i of inquiries) {
    const issued = await issuedQuestionsFor(db, i.id, user.organizationId);
    if (!issued || issued.questions.length === 0) continue;
    groups.push({
      inquiry: issued.inquiry,
      versionNumber: issued.version.number,
      // false once the meeting overtook the preparation: shown as history, no longer counted as to do
      open: preparationOpen(i, today),
      issuedAt: issued.version.issued_at,
      questions: issued.questions.map((q) => ({
        id: q.question.id,
        number: q.number,
        keyword: q.keyword,
        text: q.question.text,
        questioner: { name: q.question.questionerName, role: q.question.questionerRole },
        answerState: q.answerState,
        submitted_at: q.submitted_at,
      })),
    });
  }
  const all = groups.flatMap((g) => g.questions);
  const open = groups.filter((g) => g.open).flatMap((g) => g.questions);
  // open inquiries first, then the history
  groups.sort((a, b) => Number(b.open) - Number(a.open));
  return { groups, total: all.length, unanswered: open.filter((q) => q.answerState !== "submitted").length };
}

export type MyOutlineQuestions = NonNullable<Awaited<ReturnType<typeof loadMyOutlineQuestions>>>;

export async function loadMemberOutlineHome(db: Kysely<Database>, user: Pick<CurrentUser, "role" | "id" | "memberInquiryIds">) {
  if (user.role !== "member") return null;
  // proposals are open to the inquiries the member takes part in (docs/decisions/0031)
  const scope = [...(user.memberInquiryIds ?? []), -1];
  const inquiries = await db
    .selectFrom("inquiries")
    .select(["id", "title", "meeting_date", "outline_status", "stage"])
    .where("stage", "in", ["plan", "research", "outline"])
    .where("id", "in", scope)
    .where(notVoided("inquiries", { inquiry: true }))
    .orderBy("id", "desc")
    .execute();
  const open = inquiries.filter((i) => proposalsOpen(i.outline_status)).map((i) => ({ id: i.id, title: i.title, meeting_date: i.meeting_date }));
  const proposals = (await memberProposals(db, user.id)).slice(0, 10);
  const mine = await db
    .selectFrom("outline_questions")
    .innerJoin("inquiries", "inquiries.id", "outline_questions.inquiry_id")
    .innerJoin("organizations", "organizations.id", "outline_questions.department_id")
    .innerJoin("outline_keywords", "outline_keywords.id", "outline_questions.keyword_id")
    .select([
      "outline_questions.id",
      "outline_questions.inquiry_id",
      "inquiries.title as inquiry_title",
      "outline_keywords.keyword",
      "outline_questions.text",
      "organizations.name as department_name",
    ])
    .where("outline_questions.questioner_user_id", "=", user.id)
    .where("inquiries.stage", "!=", "closed")
    .orderBy("outline_questions.inquiry_id", "desc")
    .orderBy("outline_keywords.position")
    .orderBy("outline_questions.position")
    .limit(20)
    .execute();
  return { open, proposals, questions: mine };
}

export type MemberOutlineHome = NonNullable<Awaited<ReturnType<typeof loadMemberOutlineHome>>>;

/**
 * The outline's facts for an inquiry's overview (the stage card “询问提纲”): status, size, versions, answers and
 * pending proposals.
 */
export async function loadOutlineOverview(db: Kysely<Database>, inquiryId: number) {
  const head = await db
    .selectFrom("inquiries")
    .select(["outline_status", "outline_issued_version_id"])
    .where("id", "=", inquiryId)
    .executeTakeFirst();
  if (!head) return null;
  const count = async (table: "outline_keywords" | "outline_questions") =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where("inquiry_id", "=", inquiryId).executeTakeFirstOrThrow()).n);
  const versions = await db.selectFrom("outline_versions").select(["id", "number", "status", "decided_on", "issued_at"]).where("inquiry_id", "=", inquiryId).orderBy("number").execute();
  const issued = versions.find((v) => v.id === head.outline_issued_version_id) ?? null;
  const answers = await db.selectFrom("preparation_answers").select("status").where("inquiry_id", "=", inquiryId).execute();
  const pending = await db.selectFrom("outline_proposals").select("id").where("inquiry_id", "=", inquiryId).where("status", "=", "pending").execute();
  return {
    status: head.outline_status,
    statusLabel: OUTLINE_STATUS_LABELS[head.outline_status],
    keywords: await count("outline_keywords"),
    questions: await count("outline_questions"),
    versions: versions.length,
    latest: versions.length ? { number: versions[versions.length - 1].number, status: versions[versions.length - 1].status, decided_on: versions[versions.length - 1].decided_on } : null,
    issued: issued ? { number: issued.number, issued_at: issued.issued_at } : null,
    answersSubmitted: answers.filter((a) => a.status === "submitted").length,
    pendingProposals: pending.length,
  };
}
