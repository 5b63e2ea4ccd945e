import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { snapshot } from "../test/db";
import { officeXmlErrors, docxText } from "../test/office-xml";
import { outlineDocx } from "./docx.server";
import { diffSnapshots, type OutlineSnapshot } from "./labels";
import { addKeyword, deleteKeyword } from "./keywords.server";
import { moveQuestion, updateQuestion } from "./questions.server";
import { getOutlineHead, loadOutline } from "./drafting.server";
import {
  decideOutline,
  exportVersion,
  issueOutline,
  listVersions,
  reopenOutline,
  submitOutline,
} from "./versions.server";
import { issuedQuestionsFor } from "./preparation-answers.server";
import { ok, useOutlineWorld } from "./test-helpers";

describe("diffSnapshots", () => {
  const q = (id: number, text: string, dept = 1, name = "甲") => ({
    id,
    text,
    departmentId: dept,
    departmentName: `部门${dept}`,
    questionerUserId: null,
    questionerName: name,
    questionerRole: "市人大代表",
    sources: [],
  });
  const before: OutlineSnapshot = {
    keywords: [
      { id: 1, keyword: "健康", headline: "", questions: [q(1, "问一"), q(2, "问二")] },
      { id: 2, keyword: "教育", headline: "", questions: [q(3, "问三")] },
    ],
  };
  it("finds added, removed and changed questions, and keyword changes", () => {
    const after: OutlineSnapshot = {
      keywords: [
        { id: 1, keyword: "健康扶贫", headline: "新标题", questions: [q(1, "问一（改）", 2)] },
        { id: 2, keyword: "教育", headline: "", questions: [q(3, "问三"), q(2, "问二")] },
        { id: 3, keyword: "交通", headline: "", questions: [q(4, "问四")] },
      ],
    };
    const d = diffSnapshots(before, after);
    expect(d.added.map((x) => x.question.id)).toEqual([4]);
    expect(d.removed).toEqual([]);
    expect(d.keywordsAdded).toEqual(["交通"]);
    expect(d.keywordsChanged).toEqual(["健康 → 健康扶贫（标题有修改）"]);
    const changed = Object.fromEntries(d.changed.map((c) => [c.after.id, c.changes]));
    expect(changed[1]).toEqual(["问题内容", "应询部门（部门1 → 部门2）"]);
    expect(changed[2]).toEqual(["关键词（健康 → 教育）", "顺序"]);
    expect(changed[3]).toEqual(["顺序"]);
  });
  it("reports removed questions and nothing for identical versions", () => {
    const after: OutlineSnapshot = { keywords: [{ ...before.keywords[0], questions: [before.keywords[0].questions[0], before.keywords[0].questions[1]] }] };
    const d = diffSnapshots(before, after);
    expect(d.removed.map((x) => x.question.id)).toEqual([3]);
    expect(d.keywordsRemoved).toEqual(["教育"]);
    expect(d.changed).toEqual([]);
    const same = diffSnapshots(before, before);
    expect([same.added, same.removed, same.changed, same.keywordsAdded]).toEqual([[], [], [], []]);
  });
});

describe("the outline against the database", () => {
  const w = useOutlineWorld();

  it("submit → reject with a note → revise → resubmit as version 2 → approve → issue; each step refused out of turn", async () => {
    // nothing to submit yet
    expect(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false, message: "询问提纲中还没有问题，不能提请审定" });
    const { k1, q1, q4 } = await w.buildOutline();
    const empty = ok(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), keyword: "空关键词", headline: "" }));
    expect(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false, message: expect.stringContaining("「空关键词」下还没有问题") });
    ok(await deleteKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: empty }));
    // decisions and issue before submission are refused
    expect(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "approve", decidedOn: "2020-01-01", note: "" })).toMatchObject({ ok: false });
    expect(await issueOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false, message: "只有经主任会议审定通过的询问提纲才能下发" });

    const v1 = ok(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    expect((await getOutlineHead(w.t.db, w.inquiryId))!.outline_status).toBe("submitted");
    // frozen while before the council
    const frozen = await snapshot(w.t.db);
    expect(await updateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1, ...w.question(k1, "改", w.health) })).toMatchObject({ ok: false, message: expect.stringContaining("审定结果记录前不能修改") });
    expect(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false });
    expect(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "reject", decidedOn: "2020-01-01", note: "  " })).toMatchObject({ ok: false, field: "note" });
    expect(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "approve", decidedOn: "2999-01-01", note: "" })).toMatchObject({ ok: false, field: "decidedOn" });
    expect(await snapshot(w.t.db)).toEqual(frozen);

    ok(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "reject", decidedOn: "2020-01-02", note: "教育问题过于笼统" }));
    expect((await getOutlineHead(w.t.db, w.inquiryId))!.outline_status).toBe("rejected");
    ok(await updateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q4, ...w.question((await loadOutline(w.t.db, w.inquiryId))[1].id, "教育问二（细化）", w.education) }));
    const v2 = ok(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    ok(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    const versions = await listVersions(w.t.db, w.inquiryId);
    expect(versions.map((v) => [v.id, v.number, v.status, v.decided_on, v.decision_note])).toEqual([
      [v1, 1, "rejected", "2020-01-02", "教育问题过于笼统"],
      [v2, 2, "approved", "2020-01-03", ""],
    ]);
    // version 1 stays as it was frozen; the diff shows what changed
    const text = (v: (typeof versions)[number]) => v.snapshot.keywords.flatMap((k) => k.questions.map((q) => q.text));
    expect(text(versions[0])).toContain("教育问二");
    expect(text(versions[1])).toContain("教育问二（细化）");
    expect(diffSnapshots(versions[0].snapshot, versions[1].snapshot).changed.map((c) => c.changes)).toEqual([["问题内容"]]);

    // approved: editing is refused until reopened; issue
    expect(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), keyword: "新", headline: "" })).toMatchObject({ ok: false, message: expect.stringContaining("重新修订") });
    ok(await issueOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    const head = (await getOutlineHead(w.t.db, w.inquiryId))!;
    expect(head).toMatchObject({ outline_status: "issued", outline_issued_version_id: v2 });
    expect(await issueOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false, message: "询问提纲已经下发，无需重复下发" });
    expect((await exportVersion(w.t.db, w.inquiryId))!.number).toBe(2);

    // reopen: editable again; departments keep the issued version
    ok(await reopenOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    expect((await getOutlineHead(w.t.db, w.inquiryId))!).toMatchObject({ outline_status: "draft", outline_issued_version_id: v2 });
    ok(await updateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1, ...w.question(k1, "健康问一（修订中）", w.health) }));
    expect((await issuedQuestionsFor(w.t.db, w.inquiryId, w.health))!.questions.map((q) => q.question.text)).toEqual(["健康问一", "健康问二"]);
    expect(await reopenOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).toMatchObject({ ok: false });
  });

  it("exports a Word document whose XML parses even when the stored questions hold control characters (issue 15.1)", async () => {
    await w.issue();
    const version = (await exportVersion(w.t.db, w.inquiryId))!;
    const snapshot = JSON.parse(version.snapshot_json);
    snapshot.keywords[0].questions[0].text = "健康\u000c问\u000b一\u0001\u0008\u0000\ufffe";
    snapshot.keywords[0].keyword = "健康\u0001扶贫";
    // written straight into the database, as rows stored before input cleaning (or by another tool) would be
    await w.t.db.updateTable("outline_versions").set({ snapshot_json: JSON.stringify(snapshot) }).where("id", "=", version.id).execute();
    const stored = (await exportVersion(w.t.db, w.inquiryId))!;
    const build = () =>
      outlineDocx({
        inquiry: { title: "测试\u000b专题询问", congress: "焦作市人大常委会", session_name: "第十二次会议", meeting_date: "2031-09-22" },
        version: { number: stored.number, status: stored.status, decided_on: stored.decided_on, issued_at: stored.issued_at },
        snapshot: stored.snapshot,
      });
    const buffer = await build();
    expect(await officeXmlErrors(buffer)).toEqual([]);
    const text = await docxText(buffer);
    expect(text).toContain("健康问一");
    expect(text).toContain("一、健康扶贫");
    expect(text).toContain("测试专题询问提纲");
  });

  it("exports the approved version as a Word document with the questions in outline order and Chinese fonts", async () => {
    const { q2 } = await w.issue();
    // the live outline changes after approval; the export still shows the approved version
    ok(await reopenOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    ok(await moveQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q2, direction: "up" }));
    const version = (await exportVersion(w.t.db, w.inquiryId))!;
    const buffer = await outlineDocx({
      inquiry: { title: "测试专题询问", congress: "焦作市人大常委会", session_name: "第十二次会议", meeting_date: "2031-09-22" },
      version: { number: version.number, status: version.status, decided_on: version.decided_on, issued_at: version.issued_at },
      snapshot: version.snapshot,
    });
    const zip = await JSZip.loadAsync(buffer);
    const xml = await zip.file("word/document.xml")!.async("string");
    const text = [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("");
    expect(text).toContain("测试专题询问提纲");
    expect(text).toContain("2031年9月22日");
    expect(text).toContain("主任会议审定：2020年1月3日");
    const positions = ["健康问一", "健康问二", "教育问一", "教育问二", "水利问一"].map((q) => text.indexOf(q));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text.indexOf("一、健康扶贫")).toBeLessThan(text.indexOf("二、教育扶贫"));
    expect(text).toContain("询问人：市人大常委会委员 马爱国");
    expect(text).toContain("应询部门：市卫生健康委员会");
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toMatch(/<w:pgSz[^>]*w:w="11906"[^>]*w:h="16838"/);
  });
});
