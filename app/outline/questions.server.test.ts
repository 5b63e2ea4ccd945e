import { describe, expect, it } from "vitest";
import { createInquiry } from "../inquiries/inquiries.server";
import { addFinding } from "../research/research.server";
import {
  auditSince,
  lastAuditId,
  makeOrganization,
  snapshot,
} from "../test/db";
import { readFormData } from "../utils/forms.server";
import { addKeyword, deleteKeyword, moveKeyword, updateKeyword } from "./keywords.server";
import {
  addQuestion,
  deleteQuestion,
  moveQuestion,
  relocateQuestion,
} from "./questions.server";
import { loadOutline } from "./drafting.server";
import { ok, useOutlineWorld } from "./test-helpers";

describe("the outline against the database", () => {
  const w = useOutlineWorld();

  it("builds an outline: keywords and questions in order, sources and questioners resolved, each edit audited and bumping the revision", async () => {
    const r0 = await w.rev();
    const since = await lastAuditId(w.t.db);
    const ids = await w.buildOutline();
    expect(await w.rev()).toBe(r0 + 8);
    expect(await w.order()).toEqual(["健康扶贫:健康问一,健康问二", "教育扶贫:教育问一,教育问二", "水利扶贫:水利问一"]);
    const outline = await loadOutline(w.t.db, w.inquiryId);
    expect(outline[0].questions[0]).toMatchObject({
      id: ids.q1,
      department_name: "市卫生健康委员会",
      questioner_user_id: w.member.id,
      questioner_name: "马爱国",
      questioner_role: "市人大常委会委员",
      sources: [{ type: "finding", id: w.findings[0], label: "看病贵" }],
    });
    expect(outline[1].questions[0]).toMatchObject({ questioner_user_id: null, questioner_name: "杨应芬", questioner_role: "市人大代表" });
    const audit = await auditSince(w.t.db, since);
    expect(audit.map((a) => a.action)).toEqual([...Array(3).fill("outline.keyword_add"), ...Array(5).fill("outline.question_add")]);
    expect(audit.every((a) => a.actor_id === w.staff.id)).toBe(true);
  });

  it("reorders keywords and questions, moves a question to another keyword, and refuses moves past the ends", async () => {
    const { k1, k2, k3, q2, q3, q5 } = await w.buildOutline();
    ok(await moveKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: k3, direction: "up" }));
    ok(await moveQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q2, direction: "up" }));
    expect(await w.order()).toEqual(["健康扶贫:健康问二,健康问一", "水利扶贫:水利问一", "教育扶贫:教育问一,教育问二"]);
    ok(await relocateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q3, keywordId: k3 }));
    expect(await w.order()).toEqual(["健康扶贫:健康问二,健康问一", "水利扶贫:水利问一,教育问一", "教育扶贫:教育问二"]);
    const before = await snapshot(w.t.db);
    const r = await w.rev();
    expect(await moveKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, id: k1, direction: "up" })).toMatchObject({ ok: false, message: "关键词「健康扶贫」已在最前" });
    expect(await moveQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, id: q5, direction: "up" })).toMatchObject({ ok: false, message: "该问题已是本关键词下的第一个问题" });
    expect(await relocateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, id: q5, keywordId: k3 })).toMatchObject({ ok: false, field: "keywordId" });
    expect(await deleteKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, id: k2 })).toMatchObject({ ok: false, message: expect.stringContaining("还有 1 个问题") });
    expect(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, keyword: "健康扶贫", headline: "" })).toMatchObject({ ok: false, field: "keyword" });
    expect(await snapshot(w.t.db)).toEqual(before);
    // positions stay contiguous after the moves
    const rows = await w.t.db.selectFrom("outline_questions").select(["keyword_id", "position"]).orderBy("keyword_id").orderBy("position").execute();
    expect(rows.filter((x) => x.keyword_id === k3).map((x) => x.position)).toEqual([1, 2]);
  });

  it("refuses a question citing another inquiry's finding, a county as its department, or an inactive member, changing nothing", async () => {
    const { k1 } = await w.buildOutline();
    const otherInquiry = ok(
      await createInquiry(w.t.db, w.staff.actor, {
        title: "另一询问", topic: "", congress: "x", sessionName: "", organizingBody: "", meetingDate: null, legalBasis: "", notes: "", respondingOrganizationIds: [],
      }),
    );
    const foreign = ok(await addFinding(w.t.db, w.staff.actor, otherInquiry, { activityId: null, text: "别处的线索" }));
    const county = await makeOrganization(w.t.db, { name: "温县人大常委会", kind: "county_congress" });
    const before = await snapshot(w.t.db);
    const r = await w.rev();
    expect(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, ...w.question(k1, "x", w.health, { sources: [{ type: "finding", id: foreign }] }) })).toMatchObject({ ok: false, field: "sources" });
    expect(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, ...w.question(k1, "x", county) })).toMatchObject({ ok: false, field: "departmentId" });
    expect(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: r, ...w.question(k1, "x", w.health, { questioner: { kind: "member", userId: w.staff.id } }) })).toMatchObject({ ok: false, field: "questionerId" });
    expect(await snapshot(w.t.db)).toEqual(before);
  });

  it("updating a keyword and deleting a question keep the rest in place", async () => {
    const { k1, q1 } = await w.buildOutline();
    ok(await updateKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: k1, keyword: "健康", headline: "新标题" }));
    ok(await deleteQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1 }));
    expect((await w.order())[0]).toBe("健康:健康问二");
    const rows = await w.t.db.selectFrom("outline_questions").select("position").where("keyword_id", "=", k1).execute();
    expect(rows.map((r) => r.position)).toEqual([1]);
  });

  it("stores an outline question typed with control characters without them (issue 15.1)", async () => {
    await w.buildOutline();
    const form = new FormData();
    form.set("text", "农村\u000c学校\u0001寄宿\u200b条件");
    const cleaned = await readFormData(new Request("http://x/", { method: "POST", body: new URLSearchParams([...form.entries()] as [string, string][]) }));
    expect(cleaned.get("text")).toBe("农村学校寄宿条件");
  });
});
