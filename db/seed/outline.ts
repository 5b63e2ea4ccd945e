import type { Transaction } from "kysely";
import { recordAudit, SYSTEM_ACTOR } from "../../app/audit.server";
import { loadOutline } from "../../app/outline/drafting.server";
import { snapshotOf } from "../../app/outline/versions.server";
import { parseRichText } from "../../app/richtext/richtext.server";
import type { Database } from "../schema";
import type { JiaozuoFixture, SeedReport } from "./demo";

/**
 * Demo outline of inquiry 1: the fixture's 12 keywords (with their headlines) and 16 questions, in fixture
 * order, each addressed to the department that answered it and asked by the fixture's questioner (马爱国 is the
 * demo member account; the others are named questioners without an account). One version, approved by the
 * chairpersons' council and issued; 市卫生健康委员会 and 市水利局 have submitted preparation answers. A few
 * questions cite the demo research clues and one county report. Idempotent: nothing is added when the inquiry
 * already has an outline.
 */

/** Which clue (by its text, from the demo research) each keyword's questions came from. */
const CLUE_BY_KEYWORD: Record<string, string> = {
  全面总攻: "防止已脱贫群众返贫的具体措施需进一步落实",
  健康扶贫: "健康扶贫“两定制兜底线”和医养中心建设运行情况需关注",
  "“两定制兜底线”+医养中心": "健康扶贫“两定制兜底线”和医养中心建设运行情况需关注",
  "产业扶贫+消费扶贫": "产业扶贫项目带贫益贫机制和消费扶贫渠道有待拓展",
  就业扶贫: "贫困劳动力稳岗就业受疫情影响较大",
  农村危房改造: "农村危房改造质量和动态清零需持续跟踪",
};

/** Departments whose preparation answers the demo shows as submitted. */
const ANSWERED = ["市卫生健康委员会", "市水利局"];

function rich(text: string) {
  const result = parseRichText(text, "plain", { label: "演示文本" });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** The first sentences of the answer given at the meeting, as a short demo preparation answer. */
function demoAnswer(answer: string): string {
  const sentences = answer.split("。").filter(Boolean);
  const head = sentences.slice(0, 2).join("。");
  return `${head.length > 160 ? `${head.slice(0, 160)}……` : `${head}。`}\n（演示数据：根据询问会上的应询发言节选，作为会前书面准备答复示例。）`;
}

export async function seedOutline(trx: Transaction<Database>, fixture: JiaozuoFixture, report: SeedReport, now: string): Promise<void> {
  const inquiry = await trx.selectFrom("inquiries").select(["id", "outline_status"]).where("id", "=", 1).executeTakeFirst();
  if (!inquiry) return;
  const existing = await trx.selectFrom("outline_keywords").select("id").where("inquiry_id", "=", 1).executeTakeFirst();
  if (existing) return;

  const staff = await trx.selectFrom("users").select(["id"]).where("username", "=", "staff").executeTakeFirstOrThrow();
  const member = await trx.selectFrom("users").select(["id", "display_name", "title"]).where("username", "=", "member").executeTakeFirst();
  const orgs = new Map((await trx.selectFrom("organizations").select(["id", "name"]).execute()).map((o) => [o.name, o.id]));
  const clues = new Map(
    (await trx.selectFrom("research_findings").select(["id", "text"]).where("inquiry_id", "=", 1).execute()).map((f) => [f.text, f.id]),
  );
  // one accepted county report, cited by the question on consolidating the results
  const countyReport = await trx
    .selectFrom("survey_delegations")
    .select("id")
    .where("inquiry_id", "=", 1)
    .where("status", "=", "accepted")
    .orderBy("id")
    .executeTakeFirst();

  let keywords = 0;
  let questions = 0;
  const answerTexts = new Map<number, { department: string; answer: string }>();
  for (const [ki, topic] of fixture.topics.entries()) {
    const kw = await trx
      .insertInto("outline_keywords")
      .values({ inquiry_id: 1, keyword: topic.keyword, headline: topic.headline, position: ki + 1, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    keywords++;
    for (const [qi, exchange] of topic.exchanges.entries()) {
      const departmentId = orgs.get(exchange.responder.organization);
      if (!departmentId) throw new Error(`演示数据缺少组织机构：${exchange.responder.organization}`);
      const isMember = member && exchange.questioner.name === member.display_name;
      const q = await trx
        .insertInto("outline_questions")
        .values({
          inquiry_id: 1,
          keyword_id: kw.id,
          text: exchange.question,
          department_id: departmentId,
          questioner_user_id: isMember ? member.id : null,
          questioner_name: exchange.questioner.name,
          questioner_role: isMember ? member.title || exchange.questioner.role : exchange.questioner.role,
          position: qi + 1,
          staff_notes: qi === 0 ? "演示数据：问题依据询问会摘要整理。" : "",
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      questions++;
      const clueId = clues.get(CLUE_BY_KEYWORD[topic.keyword] ?? "");
      if (clueId && qi === 0) await trx.insertInto("outline_question_sources").values({ question_id: q.id, source_type: "finding", source_id: clueId }).execute();
      if (countyReport && ki === 0 && qi === 0) {
        await trx.insertInto("outline_question_sources").values({ question_id: q.id, source_type: "survey_report", source_id: countyReport.id }).execute();
      }
      if (ANSWERED.includes(exchange.responder.organization)) answerTexts.set(q.id, { department: exchange.responder.organization, answer: exchange.answer });
    }
  }

  // version 1: submitted, approved by the council and issued (dates before the 2020-09-22 meeting)
  const outline = await loadOutline(trx, 1);
  const version = await trx
    .insertInto("outline_versions")
    .values({
      inquiry_id: 1,
      number: 1,
      status: "approved",
      snapshot_json: JSON.stringify(snapshotOf(outline)),
      submitted_by: staff.id,
      submitted_at: "2020-09-08T02:00:00.000Z",
      decided_on: "2020-09-10",
      decision_note: "同意询问提纲，按程序下发各应询部门做好准备。（演示数据）",
      decided_by: staff.id,
      issued_at: "2020-09-11T02:00:00.000Z",
      issued_by: staff.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("inquiries")
    .set({ outline_status: "issued", outline_issued_version_id: version.id, outline_revision: 2 })
    .where("id", "=", 1)
    .execute();

  let answers = 0;
  for (const [questionId, a] of answerTexts) {
    const body = rich(demoAnswer(a.answer));
    const author = await trx
      .selectFrom("users")
      .select("users.id")
      .innerJoin("organizations", "organizations.id", "users.organization_id")
      .where("organizations.name", "=", a.department)
      .where("users.role", "=", "department")
      .executeTakeFirst();
    await trx
      .insertInto("preparation_answers")
      .values({
        question_id: questionId,
        inquiry_id: 1,
        department_id: orgs.get(a.department)!,
        answer_json: body.json,
        answer_text: body.text,
        answer_html: body.html,
        status: "submitted",
        submitted_at: "2020-09-18T02:00:00.000Z",
        author_id: author?.id ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    answers++;
  }

  await recordAudit(trx, SYSTEM_ACTOR, {
    action: "demo.seed_outline",
    entityType: "outline",
    entityId: 1,
    summary: `载入演示询问提纲：关键词 ${keywords} 个，问题 ${questions} 个，第 1 版已审定并下发，书面准备答复 ${answers} 份`,
    after: { keywords, questions, answers },
  });
  report.outlineKeywords = keywords;
  report.outlineQuestions = questions;
  report.preparationAnswers = answers;
}
