import type { Transaction } from "kysely";
import { recordAudit, SYSTEM_ACTOR } from "../../app/audit.server";
import { parseRichText } from "../../app/richtext/richtext.server";
import type { Database } from "../schema";
import type { JiaozuoFixture, SeedReport } from "./demo";

function rich(text: string) {
  const result = parseRichText(text, "plain", { label: "演示文本" });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/**
 * Demo meeting record and published digest of inquiry 1 (issue 5): the meeting of 2020-09-22 with the vice-mayor
 * and the 8 departments' officials, the fixture's 16 exchanges in order under their 12 keywords (linked to the
 * outline questions when the outline seed made them), and the digest published with the fixture's introduction.
 * The source names no place and no chair: the place is marked as demo data and the chair left empty.
 * Idempotent: nothing is added when inquiry 1 already has a meeting.
 */
export async function seedMeeting(trx: Transaction<Database>, fixture: JiaozuoFixture, report: SeedReport, now: string): Promise<void> {
  const inquiry = await trx.selectFrom("inquiries").select(["id", "session_name"]).where("id", "=", 1).executeTakeFirst();
  if (!inquiry) return;
  const existing = await trx.selectFrom("meetings").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (existing) return;

  const orgId = async (name: string) => (await trx.selectFrom("organizations").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
  const staff = await trx.selectFrom("users").select("id").where("username", "=", "staff").executeTakeFirst();
  const government = fixture.respondingOrganizations.find((o) => o.name === "市政府");
  const intro = rich(fixture.introduction);

  const meeting = await trx
    .insertInto("meetings")
    .values({
      inquiry_id: 1,
      meeting_date: fixture.meetingDate,
      place: "市人大常委会会议室（演示数据）",
      session_name: inquiry.session_name,
      chair_name: "",
      chair_title: "",
      government_organization_id: government ? await orgId(government.name) : null,
      government_responder_name: government?.responder.name ?? "",
      government_responder_title: government?.responder.title ?? "",
      vote_mode: "answer",
      vote_secret: 1,
      correction_days: 7,
      digest_title: fixture.closingHeadline,
      digest_reporter: fixture.reporter,
      digest_intro_json: intro.json,
      digest_intro_text: intro.text,
      digest_intro_html: intro.html,
      digest_segment_kinds: JSON.stringify(["exchange"]),
      digest_published_at: now,
      digest_published_by: staff?.id ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  report.meetings = (report.meetings ?? 0) + 1;

  for (const [index, o] of fixture.respondingOrganizations.entries()) {
    await trx
      .insertInto("meeting_officials")
      .values({ meeting_id: meeting.id, organization_id: await orgId(o.name), name: o.responder.name, title: o.responder.title, position: index + 1 })
      .execute();
  }

  const member = await trx.selectFrom("users").select(["id", "display_name"]).where("username", "=", "member").executeTakeFirst();
  let position = 0;
  let exchanges = 0;
  for (const topic of fixture.topics) {
    for (const e of topic.exchanges) {
      const outline = await trx
        .selectFrom("outline_questions")
        .select("id")
        .where("inquiry_id", "=", 1)
        .where("text", "=", e.question)
        .orderBy("id")
        .executeTakeFirst();
      const used = outline ? await trx.selectFrom("meeting_segments").select("id").where("outline_question_id", "=", outline.id).executeTakeFirst() : undefined;
      const outlineId = outline && !used ? outline.id : null;
      const departmentId = await orgId(e.responder.organization);
      const segment = await trx
        .insertInto("meeting_segments")
        .values({
          meeting_id: meeting.id,
          inquiry_id: 1,
          kind: "exchange",
          position: ++position,
          keyword: topic.keyword,
          headline: topic.headline,
          outline_question_id: outlineId,
          unplanned: outlineId === null ? 1 : 0,
          questioner_user_id: member && member.display_name === e.questioner.name ? member.id : null,
          questioner_name: e.questioner.name,
          questioner_role: e.questioner.role,
          department_id: departmentId,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const question = rich(e.question);
      const answer = rich(e.answer);
      await trx
        .insertInto("meeting_turns")
        .values([
          {
            segment_id: segment.id,
            position: 1,
            kind: "question",
            speaker_name: e.questioner.name,
            speaker_title: e.questioner.role,
            organization_id: null,
            body_json: question.json,
            body_text: question.text,
            body_html: question.html,
            created_at: now,
            updated_at: now,
          },
          {
            segment_id: segment.id,
            position: 2,
            kind: "answer",
            speaker_name: e.responder.name,
            speaker_title: e.responder.title,
            organization_id: departmentId,
            body_json: answer.json,
            body_text: answer.text,
            body_html: answer.html,
            created_at: now,
            updated_at: now,
          },
        ])
        .execute();
      exchanges++;
    }
  }
  report.exchanges = (report.exchanges ?? 0) + exchanges;
  await recordAudit(trx, SYSTEM_ACTOR, {
    action: "demo.seed_meeting",
    entityType: "meeting",
    entityId: meeting.id,
    summary: `载入演示询问会记录：问答 ${exchanges} 轮，摘要已发布`,
    after: { exchanges, published: true },
  });
}
