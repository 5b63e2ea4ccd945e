import { describe, expect, it } from "vitest";
import { attachmentOwner } from "../attachments/attachments.server";
import { canReadAttachment, canReadPreparationAnswer, canWritePreparationAnswer, isQuestionDepartment } from "../policy.server";
import { auditSince, snapshot, type TestUser } from "../test/db";
import { loadMyOutlineQuestions } from "./my.server";
import { deleteQuestion } from "./questions.server";
import { reopenOutline } from "./versions.server";
import { issuedQuestionsFor, savePreparationAnswer } from "./preparation-answers.server";
import { ok, rich, useOutlineWorld } from "./test-helpers";

describe("the outline against the database", () => {
  const w = useOutlineWorld();


  it("each department sees only the issued questions addressed to it, numbered as in the outline", async () => {
    const { q3, q4 } = await w.issue();
    const mine = (await issuedQuestionsFor(w.t.db, w.inquiryId, w.education))!;
    expect(mine.questions.map((q) => [q.number, q.question.id, q.answerState])).toEqual([
      [3, q3, "none"],
      [4, q4, "none"],
    ]);
    expect((await issuedQuestionsFor(w.t.db, w.inquiryId, w.other))!.questions).toEqual([]);
    const my = (await loadMyOutlineQuestions(w.t.db, { role: "department", organizationId: w.health }))!;
    expect(my.groups[0].questions.map((q) => q.text)).toEqual(["健康问一", "健康问二"]);
    expect(my.unanswered).toBe(2);
    expect(await loadMyOutlineQuestions(w.t.db, { role: "staff", organizationId: null })).toBeNull();
  });

  it("a department writes its preparation answer (draft, submit, update); another department cannot, and stale saves are refused", async () => {
    const { q1, q3 } = await w.issue();
    const save = (user: TestUser, questionId: number, version: number, text: string, submit: boolean) =>
      savePreparationAnswer(w.t.db, user.actor, { inquiryId: w.inquiryId, questionId, departmentId: user.organizationId!, version, answer: rich(text), submit, files: [] });

    const before = await snapshot(w.t.db);
    expect(await save(w.eduUser, q1, 0, "越权答复", true)).toMatchObject({ ok: false, message: "该问题不是下发给本单位的，不能答复" });
    expect(await save(w.healthUser, q1, 0, "", true)).toMatchObject({ ok: false, field: "answer" });
    expect(await snapshot(w.t.db)).toEqual(before);

    const id = ok(await save(w.healthUser, q1, 0, "草稿内容", false));
    expect((await issuedQuestionsFor(w.t.db, w.inquiryId, w.health))!.questions[0].answerState).toBe("draft");
    expect(await save(w.healthUser, q1, 0, "基于旧版本", true)).toMatchObject({ ok: false, conflict: true });
    ok(await save(w.healthUser, q1, 1, "正式答复", true));
    const row = await w.t.db.selectFrom("preparation_answers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "submitted", answer_text: "正式答复", department_id: w.health, version: 2, author_id: w.healthUser.id });
    expect(await save(w.healthUser, q1, 2, "改回草稿", false)).toMatchObject({ ok: false, message: expect.stringContaining("不能改回草稿") });
    ok(await save(w.healthUser, q1, 2, "补充后的答复", true));
    expect((await issuedQuestionsFor(w.t.db, w.inquiryId, w.health))!.questions.map((q) => q.answerState)).toEqual(["submitted", "none"]);
    // the education department's own question still works
    ok(await save(w.eduUser, q3, 0, "教育答复", true));

    const audit = (await auditSince(w.t.db, 0)).filter((a) => a.entity_type === "preparation_answer").map((a) => a.action);
    expect(audit).toEqual(["outline.answer_draft", "outline.answer_submit", "outline.answer_update", "outline.answer_submit"]);
    // an answered question cannot be deleted from a reopened outline
    ok(await reopenOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    expect(await deleteQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1 })).toMatchObject({ ok: false, message: expect.stringContaining("书面准备答复") });
  });

  it("a preparation answer and its attachments are readable by its department, staff and members, never by another department", async () => {
    const { q1 } = await w.issue();
    const pdf = { fileName: "材料.pdf", mimeType: "application/pdf", size: 8, sha256: "a".repeat(64), bytes: Buffer.from("%PDF-1.4") };
    const id = ok(await savePreparationAnswer(w.t.db, w.healthUser.actor, { inquiryId: w.inquiryId, questionId: q1, departmentId: w.health, version: 0, answer: rich("答复"), submit: true, files: [pdf] }));
    const attachment = await w.t.db.selectFrom("attachments").selectAll().where("owner_type", "=", "preparation_answer").where("owner_id", "=", id).executeTakeFirstOrThrow();
    const owner = await attachmentOwner(w.t.db, attachment);
    const as = (u: TestUser) => ({ role: u.role, organizationId: u.organizationId, memberInquiryIds: [w.inquiryId] });
    expect(canReadAttachment(as(w.healthUser), owner)).toBe(true);
    expect(canReadAttachment(as(w.eduUser), owner)).toBe(false);
    expect(canReadAttachment(as(w.staff), owner)).toBe(true);
    expect(canReadAttachment(as(w.member), owner)).toBe(true);
    expect(canReadAttachment({ role: "county", organizationId: w.health }, owner)).toBe(false);
    const q = { departmentId: w.health, inquiryId: w.inquiryId };
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [] }, owner)).toBe(false);
    expect(canReadPreparationAnswer({ role: "member", organizationId: null, memberInquiryIds: [] }, q)).toBe(false);
    expect([isQuestionDepartment(as(w.healthUser), q), canWritePreparationAnswer(as(w.healthUser), q), canReadPreparationAnswer(as(w.healthUser), q)]).toEqual([true, true, true]);
    expect([isQuestionDepartment(as(w.eduUser), q), canWritePreparationAnswer(as(w.eduUser), q), canReadPreparationAnswer(as(w.eduUser), q)]).toEqual([false, false, false]);
    expect([canWritePreparationAnswer(as(w.staff), q), canReadPreparationAnswer(as(w.staff), q)]).toEqual([false, true]);
  });
});
