import { describe, expect, it } from "vitest";
import { snapshot } from "../test/db";
import { loadMemberOutlineHome } from "./my.server";
import { acceptProposal, createProposal, declineProposal } from "./proposals.server";
import { loadOutline } from "./drafting.server";
import { decideOutline, submitOutline } from "./versions.server";
import { ok, useOutlineWorld } from "./test-helpers";

describe("the outline against the database", () => {
  const w = useOutlineWorld();

  it("a member proposes; staff accept it into the outline (member as questioner, proposal as source note) or decline it with a reason", async () => {
    const { k2 } = await w.buildOutline();
    const p1 = ok(await createProposal(w.t.db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "农村学校寄宿条件如何改善？", departmentId: w.education, keyword: "教育扶贫", sourceNote: "代表小组活动中群众反映" }));
    const p2 = ok(await createProposal(w.t.db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "重复的问题", departmentId: null, keyword: "", sourceNote: "" }));
    expect(await createProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, memberId: w.staff.id, text: "x", departmentId: null, keyword: "", sourceNote: "" })).toMatchObject({ ok: false });

    const before = await snapshot(w.t.db);
    expect(await declineProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, proposalId: p2, reason: " " })).toMatchObject({ ok: false, field: "reason" });
    expect(await acceptProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: (await w.rev()) - 1, proposalId: p1, keywordId: k2, departmentId: w.education, text: "x" })).toMatchObject({ ok: false, conflict: true });
    expect(await snapshot(w.t.db)).toEqual(before);

    const qid = ok(await acceptProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), proposalId: p1, keywordId: k2, departmentId: w.education, text: "农村学校寄宿条件如何改善？" }));
    const q = (await loadOutline(w.t.db, w.inquiryId))[1].questions.at(-1)!;
    expect(q).toMatchObject({ id: qid, questioner_user_id: w.member.id, questioner_name: "马爱国", department_id: w.education });
    expect(q.staff_notes).toContain("马爱国");
    expect(q.staff_notes).toContain("代表小组活动中群众反映");
    expect(await acceptProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), proposalId: p1, keywordId: k2, departmentId: w.education, text: "x" })).toMatchObject({ ok: false, message: expect.stringContaining("已被处理") });
    ok(await declineProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, proposalId: p2, reason: "与第 3 题重复" }));
    const rows = await w.t.db.selectFrom("outline_proposals").select(["id", "status", "question_id", "decline_reason", "decided_by"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: p1, status: "accepted", question_id: qid, decline_reason: "", decided_by: w.staff.id },
      { id: p2, status: "declined", question_id: null, decline_reason: "与第 3 题重复", decided_by: w.staff.id },
    ]);
    const home = (await loadMemberOutlineHome(w.t.db, { role: "member", id: w.member.id, memberInquiryIds: [w.inquiryId] }))!;
    expect(home.open.map((i) => i.id)).toEqual([w.inquiryId]);
    expect(home.proposals.map((p) => p.status)).toEqual(["declined", "accepted"]);
    expect(home.questions.map((x) => x.text)).toEqual(["健康问一", "农村学校寄宿条件如何改善？"]);

    // once approved, no more proposals
    ok(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    ok(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    expect(await createProposal(w.t.db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "迟到的建议", departmentId: null, keyword: "", sourceNote: "" })).toMatchObject({ ok: false });
    expect((await loadMemberOutlineHome(w.t.db, { role: "member", id: w.member.id, memberInquiryIds: [w.inquiryId] }))!.open).toEqual([]);
  });

  it("the accepted proposal's note carries the Beijing date it was made: 00:30 on 1 July is 1 July (issue 15.3)", async () => {
    await w.buildOutline();
    const p = ok(await createProposal(w.t.db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "交通问题", departmentId: null, keyword: "交通扶贫", sourceNote: "" }));
    await w.t.db.updateTable("outline_proposals").set({ created_at: "2026-06-30T16:30:00.000Z" }).where("id", "=", p).execute();
    const qid = ok(await acceptProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), proposalId: p, keywordId: "new", departmentId: w.water, text: "交通问题" }));
    const q = await w.t.db.selectFrom("outline_questions").selectAll().where("id", "=", qid as number).executeTakeFirstOrThrow();
    expect(JSON.stringify(q)).toContain("于 2026-07-01 提出的问题建议");
  });

  it("accepting a proposal can create the keyword it names", async () => {
    await w.buildOutline();
    const p = ok(await createProposal(w.t.db, w.member.actor, { inquiryId: w.inquiryId, memberId: w.member.id, text: "交通问题", departmentId: null, keyword: "交通扶贫", sourceNote: "" }));
    ok(await acceptProposal(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), proposalId: p, keywordId: "new", departmentId: w.water, text: "交通问题" }));
    expect((await w.order()).at(-1)).toBe("交通扶贫:交通问题");
  });
});
