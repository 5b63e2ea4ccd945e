import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addOutline, makeMeetingWorld, type MeetingWorld } from "../meeting/test-helpers";
import { loadOutline } from "../outline/drafting.server";
import { snapshotOf } from "../outline/versions.server";
import { createTestDb, type TestDb } from "../test/db";
import { nowIso } from "../utils/time";
import { answerDueDate, answerGaps, rateAnswer } from "./gaps.server";

const QUESTION = "全市建档立卡贫困人口家庭医生签约服务覆盖率是多少？乡村医生队伍老化问题如何解决？";
const GOOD =
  "截至八月底，全市建档立卡贫困人口家庭医生签约服务实现应签尽签，覆盖率达到百分之百。针对乡村医生队伍老化，我委实施乡村医生定向培养计划，" +
  "每年为各县区定向招收医学生一百名，并提高乡村医生补助标准，鼓励年轻医生扎根基层。";

describe("rating a written preparation answer", () => {
  it("flags 正在核实。 as too short, with the reason", () => {
    const r = rateAnswer(QUESTION, { text: "正在核实。", submittedAt: "2020-09-10T02:00:00.000Z" }, "2020-09-19");
    expect(r.kinds).toContain("too_short");
    expect(r.reasons.join()).toContain("正在核实");
  });

  it("flags a missing answer, and says when it was due", () => {
    const r = rateAnswer(QUESTION, null, "2020-09-19", "2020-09-20");
    expect(r.kinds).toEqual(["missing"]);
    expect(r.reasons[0]).toContain("2020-09-19");
    expect(r.reasons[0]).toContain("已逾期");
  });

  it("passes a full answer that addresses the question's terms", () => {
    expect(rateAnswer(QUESTION, { text: GOOD, submittedAt: "2020-09-10T02:00:00.000Z" }, "2020-09-19").kinds).toEqual([]);
  });

  it("flags an answer submitted after the answer date (Asia/Shanghai)", () => {
    // 2020-09-19T16:30Z is 2020-09-20 00:30 in Shanghai: one day late
    const r = rateAnswer(QUESTION, { text: GOOD, submittedAt: "2020-09-19T16:30:00.000Z" }, "2020-09-19");
    expect(r.kinds).toEqual(["late"]);
    expect(rateAnswer(QUESTION, { text: GOOD, submittedAt: "2020-09-19T15:30:00.000Z" }, "2020-09-19").kinds).toEqual([]);
  });

  it("flags a long answer that does not address the key terms, and names them", () => {
    const offTopic =
      "近年来，我市高度重视教育扶贫，全面落实学生资助政策，从学前教育到高等教育实现资助全覆盖，累计发放各类资助资金两亿余元，" +
      "控辍保学成效明显，义务教育阶段无因贫失学辍学现象，营养改善计划惠及农村学生十余万人。";
    const r = rateAnswer(QUESTION, { text: offTopic, submittedAt: "2020-09-10T02:00:00.000Z" }, "2020-09-19");
    expect(r.kinds).toEqual(["off_topic"]);
    expect(r.missingTerms.join()).toContain("家庭医生签约服务");
  });

  it("dates the answers three days before the meeting", () => {
    expect(answerDueDate("2020-09-22")).toBe("2020-09-19");
    expect(answerDueDate(null)).toBeNull();
  });
});

describe("the gap list of an issued outline", () => {
  let t: TestDb;
  let w: MeetingWorld;
  beforeEach(async () => {
    t = await createTestDb();
    w = await makeMeetingWorld(t.db);
  });
  afterEach(async () => t.cleanup());

  it("rates each issued question by its submitted answer; a draft counts as missing", async () => {
    const ids = await addOutline(t.db, w.inquiryId, [
      {
        keyword: "健康扶贫",
        position: 1,
        questions: [
          { text: QUESTION, departmentId: w.health, position: 1 },
          { text: "贫困学生资助政策落实情况如何？", departmentId: w.education, position: 2 },
          { text: "大病专项救治病种覆盖多少？", departmentId: w.health, position: 3 },
        ],
      },
    ]);
    expect(await answerGaps(t.db, w.inquiryId, "2020-09-01")).toBeNull(); // not issued yet
    const now = nowIso();
    const version = await t.db
      .insertInto("outline_versions")
      .values({ inquiry_id: w.inquiryId, number: 1, status: "approved", snapshot_json: JSON.stringify(snapshotOf(await loadOutline(t.db, w.inquiryId))), submitted_at: now, issued_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db.updateTable("inquiries").set({ outline_issued_version_id: version.id, outline_status: "issued" }).where("id", "=", w.inquiryId).execute();
    const answer = (questionId: number, departmentId: number, text: string, status: "draft" | "submitted") =>
      t.db
        .insertInto("preparation_answers")
        .values({ question_id: questionId, inquiry_id: w.inquiryId, department_id: departmentId, answer_text: text, status, submitted_at: status === "submitted" ? "2020-09-10T02:00:00.000Z" : null, created_at: now, updated_at: now })
        .execute();
    await answer(ids[QUESTION], w.health, "正在核实。", "submitted");
    await answer(ids["贫困学生资助政策落实情况如何？"], w.education, GOOD, "draft");

    const gaps = (await answerGaps(t.db, w.inquiryId, "2020-09-20"))!;
    expect(gaps.dueDate).toBe("2020-09-19");
    expect(gaps.rows.map((r) => [r.number, r.rating.kinds])).toEqual([
      [1, ["too_short", "off_topic"]],
      [2, ["missing"]],
      [3, ["missing"]],
    ]);
    expect(gaps.totals).toMatchObject({ questions: 3, withGaps: 3, missing: 2, tooShort: 1 });
  });
});
