import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { liveInquiryOf, notVoided } from "../history/void.server";

/**
 * The inquiries a member or deputy (role `member`) takes part in — the rule of docs/decisions/0031-member-inquiry-scope.md:
 *
 * - a questioner: named with their account on an outline question or a recorded exchange of the inquiry;
 * - a proposer of a question to its outline, or on the voting roll of one of its satisfaction votes;
 * - a member (组成人员) of the organising committee: the account belongs to the 人大专门委员会/工作机构
 *   (organisation of kind congress_office) whose name is the inquiry's organising body (组织单位).
 *
 * Returns the inquiry ids, ascending. Read once per request for member accounts (app/auth/session.server.ts);
 * the policy (app/policy.server.ts) decides with it.
 */
export async function memberInquiryIds(db: Kysely<Database>, member: { id: number; organizationId: number | null }): Promise<number[]> {
  const rows = await db
    .selectFrom("outline_questions")
    .select("inquiry_id")
    .where("questioner_user_id", "=", member.id)
    // voided questions and exchanges, and voided inquiries, make no one a participant (issue 13)
    .where(notVoided("outline_questions"))
    .union(db.selectFrom("meeting_segments").select("inquiry_id").where("questioner_user_id", "=", member.id).where(notVoided("meeting_segments")))
    .union(db.selectFrom("outline_proposals").select("inquiry_id").where("member_id", "=", member.id).where(liveInquiryOf("outline_proposals.inquiry_id")))
    .union(
      // on a vote's roll (the voting roll copies the 组成人员 when the vote opens; secret votes keep no ballot
      // row, so the roll, not the ballots, says who takes part)
      db
        .selectFrom("vote_roll as r")
        .innerJoin("votes as v", "v.id", "r.vote_id")
        .select("v.inquiry_id")
        .where("r.user_id", "=", member.id)
        .where(liveInquiryOf("v.inquiry_id")),
    )
    .union(
      db
        .selectFrom("inquiries as i")
        .innerJoin("organizations as o", "o.name", "i.organizing_body")
        .select("i.id as inquiry_id")
        .where("o.id", "=", member.organizationId ?? -1)
        .where("o.kind", "=", "congress_office")
        .where(notVoided("i", { inquiry: true })),
    )
    .execute();
  return rows.map((r) => r.inquiry_id).sort((a, b) => a - b);
}
