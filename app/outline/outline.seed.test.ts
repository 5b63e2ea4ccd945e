import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture, seedDemo } from "../../db/seed/demo";
import { countRows, createTestDb, type TestDb } from "../test/db";
import { exportVersion } from "./versions.server";
import { getOutlineHead, loadOutline } from "./drafting.server";
import { issuedQuestionsFor } from "./preparation-answers.server";

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe("the demo outline", () => {
  it("holds the fixture's keywords and questions in order, approved and issued, with some preparation answers", async () => {
    const fixture = loadFixture();
    const report = await seedDemo(t.db);
    expect(report).toMatchObject({ outlineKeywords: 12, outlineQuestions: 16 });

    const outline = await loadOutline(t.db, 1);
    expect(outline.map((k) => [k.keyword, k.headline])).toEqual(fixture.topics.map((topic) => [topic.keyword, topic.headline]));
    expect(outline.flatMap((k) => k.questions.map((q) => q.text))).toEqual(fixture.topics.flatMap((topic) => topic.exchanges.map((e) => e.question)));
    expect(outline.flatMap((k) => k.questions.map((q) => q.department_name))).toEqual(
      fixture.topics.flatMap((topic) => topic.exchanges.map((e) => e.responder.organization)),
    );
    const member = await t.db.selectFrom("users").select("id").where("username", "=", "member").executeTakeFirstOrThrow();
    const ma = outline.flatMap((k) => k.questions).filter((q) => q.questioner_name === "马爱国");
    expect(ma.length).toBe(2);
    expect(ma.every((q) => q.questioner_user_id === member.id)).toBe(true);
    const others = outline.flatMap((k) => k.questions).filter((q) => q.questioner_name !== "马爱国");
    expect(others.every((q) => q.questioner_user_id === null && q.questioner_role !== "")).toBe(true);
    expect(outline.flatMap((k) => k.questions).filter((q) => q.sources.length > 0).length).toBeGreaterThanOrEqual(2);

    const head = (await getOutlineHead(t.db, 1))!;
    expect(head.outline_status).toBe("issued");
    const version = (await exportVersion(t.db, 1))!;
    expect(version).toMatchObject({ id: head.outline_issued_version_id, number: 1, status: "approved" });
    expect(version.snapshot.keywords.flatMap((k) => k.questions)).toHaveLength(16);

    const healthOrg = await t.db.selectFrom("organizations").select("id").where("name", "=", "市卫生健康委员会").executeTakeFirstOrThrow();
    const health = (await issuedQuestionsFor(t.db, 1, healthOrg.id))!;
    expect(health.questions).toHaveLength(2);
    expect(health.questions.every((q) => q.answerState === "submitted")).toBe(true);
    const answers = await t.db.selectFrom("preparation_answers").select(["answer_text", "department_id"]).execute();
    expect(new Set(answers.map((a) => a.department_id)).size).toBe(2);
    expect(answers.every((a) => a.answer_text.includes("演示数据"))).toBe(true);
  });

  it("adds nothing when run again", async () => {
    await seedDemo(t.db);
    const counts = async () =>
      Promise.all(["outline_keywords", "outline_questions", "outline_question_sources", "outline_versions", "preparation_answers"].map((n) => countRows(t.db, n)));
    const first = await counts();
    const again = await seedDemo(t.db);
    expect(again.outlineQuestions ?? 0).toBe(0);
    expect(await counts()).toEqual(first);
  });
});
