import JSZip from "jszip";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OutlineStatus } from "../../db/schema";
import { attachmentOwner } from "../attachments/attachments.server";
import { createInquiry } from "../inquiries/inquiries.server";
import { canReadAttachment, canReadPreparationAnswer, canWritePreparationAnswer, isQuestionDepartment } from "../policy.server";
import { addFinding } from "../research/research.server";
import { parseRichText } from "../richtext/richtext.server";
import {
  auditSince,
  breakAuditLog,
  createTestDb,
  lastAuditId,
  makeOrganization,
  makeUser,
  repairAuditLog,
  snapshot,
  type TestDb,
  type TestUser,
  approvePlanForTest,
} from "../test/db";
import { officeXmlErrors, docxText } from "../test/office-xml";
import { readFormData } from "../utils/forms.server";
import { outlineDocx } from "./docx.server";
import { diffSnapshots, type OutlineSnapshot } from "./labels";
import { loadMemberOutlineHome, loadMyOutlineQuestions } from "./my.server";
import {
  acceptProposal,
  addKeyword,
  addQuestion,
  computeCoverage,
  createProposal,
  decideOutline,
  declineProposal,
  deleteKeyword,
  deleteQuestion,
  exportVersion,
  getOutlineHead,
  issuedQuestionsFor,
  issueOutline,
  listVersions,
  loadOutline,
  moveKeyword,
  moveQuestion,
  nextOutlineStatus,
  OUTLINE_CONFLICT,
  QuestionFormSchema,
  relocateQuestion,
  reopenOutline,
  savePreparationAnswer,
  sourceOptions,
  submitOutline,
  updateKeyword,
  updateQuestion,
  type OutlineAction,
  type QuestionInput,
  type Result,
} from "./outline.server";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function ok(result: Result): number {
  if (!result.ok) throw new Error(`expected ok, got ${result.field}: ${result.message}`);
  return result.id;
}

describe("nextOutlineStatus", () => {
  const statuses: OutlineStatus[] = ["draft", "submitted", "approved", "rejected", "issued"];
  const expected: Record<OutlineAction, Partial<Record<OutlineStatus, OutlineStatus>>> = {
    edit: { draft: "draft", rejected: "rejected" },
    submit: { draft: "submitted", rejected: "submitted" },
    approve: { submitted: "approved" },
    reject: { submitted: "rejected" },
    issue: { approved: "issued" },
    reopen: { approved: "draft", issued: "draft" },
  };
  const table = (Object.keys(expected) as OutlineAction[]).flatMap((action) =>
    statuses.map((status) => [status, action, expected[action][status] ?? null] as const),
  );
  it.each(table)("%s + %s → %s", (status, action, next) => {
    expect(nextOutlineStatus(status, action)).toBe(next);
  });
});

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

describe("QuestionFormSchema", () => {
  const form = (entries: [string, string][]) => {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of entries) raw[k] = k in raw ? [...([] as unknown[]).concat(raw[k]), v] : v;
    return QuestionFormSchema.safeParse(raw);
  };
  it("reads a roster questioner, a named one (to be added to the roster or not), or none, and the sources", () => {
    const base: [string, string][] = [["keywordId", "1"], ["text", " 问题 "], ["departmentId", "2"]];
    expect(form([...base, ["questionerId", "7"], ["sources", "finding:3"], ["sources", "survey_report:4"]]).data).toMatchObject({
      text: "问题",
      questioner: { kind: "roster", rosterId: 7 },
      sources: [{ type: "finding", id: 3 }, { type: "survey_report", id: 4 }],
    });
    expect(form([...base, ["questionerId", "named"], ["questionerName", "王保才"], ["questionerRole", "市人大代表"], ["addToRoster", "1"]]).data?.questioner).toEqual({
      kind: "named",
      name: "王保才",
      role: "市人大代表",
      addToRoster: true,
    });
    expect(form(base).data?.questioner).toEqual({ kind: "none" });
  });
  it("refuses a named questioner without a name, a missing department and a forged source", () => {
    const r = form([["keywordId", "1"], ["text", ""], ["questionerId", "named"], ["sources", "activity:1"]]);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => String(i.path[0]));
    expect(paths).toEqual(expect.arrayContaining(["text", "departmentId", "sources", "questionerName"]));
  });
});

describe("the outline against the database", () => {
  let t: TestDb;
  let uploads: string;
  let staff: TestUser;
  let staff2: TestUser;
  let member: TestUser;
  let healthUser: TestUser;
  let eduUser: TestUser;
  let health: number;
  let education: number;
  let water: number;
  let other: number;
  let inquiryId: number;
  let findings: number[];

  const rev = async () => (await getOutlineHead(t.db, inquiryId))!.outline_revision;
  const question = (keywordId: number, text: string, departmentId: number, extra: Partial<QuestionInput> = {}): QuestionInput => ({
    keywordId,
    text,
    departmentId,
    questioner: { kind: "none" },
    sources: [],
    staffNotes: "",
    ...extra,
  });

  beforeEach(async () => {
    t = await createTestDb();
    uploads = await mkdtemp(join(tmpdir(), "xunwen-uploads-"));
    process.env.XUNWEN_UPLOAD_DIR = uploads;
    health = await makeOrganization(t.db, { name: "市卫生健康委员会" });
    education = await makeOrganization(t.db, { name: "市教育局" });
    water = await makeOrganization(t.db, { name: "市水利局" });
    other = await makeOrganization(t.db, { name: "市交通运输局" });
    staff = await makeUser(t.db, { role: "staff", displayName: "刘静" });
    staff2 = await makeUser(t.db, { role: "staff", displayName: "王敏" });
    member = await makeUser(t.db, { role: "member", displayName: "马爱国", title: "市人大常委会委员" });
    healthUser = await makeUser(t.db, { role: "department", organizationId: health });
    eduUser = await makeUser(t.db, { role: "department", organizationId: education });
    inquiryId = ok(
      await createInquiry(t.db, staff.actor, {
        title: "测试专题询问",
        topic: "测试",
        congress: "焦作市人大常委会",
        sessionName: "",
        organizingBody: "",
        meetingDate: "2031-09-22",
        legalBasis: "",
        notes: "",
        respondingOrganizationIds: [health, education, water],
      }),
    );
    await approvePlanForTest(t.db, inquiryId);
    findings = [];
    for (const text of ["看病贵", "上学远", "饮水难"]) findings.push(ok(await addFinding(t.db, staff.actor, inquiryId, { activityId: null, text })));
  });
  afterEach(async () => {
    await t.cleanup();
    await rm(uploads, { recursive: true, force: true });
  });

  /** Three keywords, five questions for three departments, from the findings. */
  async function buildOutline() {
    const k1 = ok(await addKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), keyword: "健康扶贫", headline: "看得起病" }));
    const k2 = ok(await addKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), keyword: "教育扶贫", headline: "" }));
    const k3 = ok(await addKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), keyword: "水利扶贫", headline: "" }));
    const f = (i: number) => [{ type: "finding" as const, id: findings[i] }];
    const q1 = ok(await addQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), ...question(k1, "健康问一", health, { sources: f(0), questioner: { kind: "member", userId: member.id } }) }));
    const q2 = ok(await addQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), ...question(k1, "健康问二", health) }));
    const q3 = ok(await addQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), ...question(k2, "教育问一", education, { sources: f(1), questioner: { kind: "named", name: "杨应芬", role: "市人大代表" } }) }));
    const q4 = ok(await addQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), ...question(k2, "教育问二", education) }));
    const q5 = ok(await addQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), ...question(k3, "水利问一", water) }));
    return { k1, k2, k3, q1, q2, q3, q4, q5 };
  }

  const order = async () => (await loadOutline(t.db, inquiryId)).map((k) => `${k.keyword}:${k.questions.map((q) => q.text).join(",")}`);

  it("builds an outline: keywords and questions in order, sources and questioners resolved, each edit audited and bumping the revision", async () => {
    const r0 = await rev();
    const since = await lastAuditId(t.db);
    const ids = await buildOutline();
    expect(await rev()).toBe(r0 + 8);
    expect(await order()).toEqual(["健康扶贫:健康问一,健康问二", "教育扶贫:教育问一,教育问二", "水利扶贫:水利问一"]);
    const outline = await loadOutline(t.db, inquiryId);
    expect(outline[0].questions[0]).toMatchObject({
      id: ids.q1,
      department_name: "市卫生健康委员会",
      questioner_user_id: member.id,
      questioner_name: "马爱国",
      questioner_role: "市人大常委会委员",
      sources: [{ type: "finding", id: findings[0], label: "看病贵" }],
    });
    expect(outline[1].questions[0]).toMatchObject({ questioner_user_id: null, questioner_name: "杨应芬", questioner_role: "市人大代表" });
    const audit = await auditSince(t.db, since);
    expect(audit.map((a) => a.action)).toEqual([...Array(3).fill("outline.keyword_add"), ...Array(5).fill("outline.question_add")]);
    expect(audit.every((a) => a.actor_id === staff.id)).toBe(true);
  });

  it("reorders keywords and questions, moves a question to another keyword, and refuses moves past the ends", async () => {
    const { k1, k2, k3, q2, q3, q5 } = await buildOutline();
    ok(await moveKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), id: k3, direction: "up" }));
    ok(await moveQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q2, direction: "up" }));
    expect(await order()).toEqual(["健康扶贫:健康问二,健康问一", "水利扶贫:水利问一", "教育扶贫:教育问一,教育问二"]);
    ok(await relocateQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q3, keywordId: k3 }));
    expect(await order()).toEqual(["健康扶贫:健康问二,健康问一", "水利扶贫:水利问一,教育问一", "教育扶贫:教育问二"]);
    const before = await snapshot(t.db);
    const r = await rev();
    expect(await moveKeyword(t.db, staff.actor, { inquiryId, revision: r, id: k1, direction: "up" })).toMatchObject({ ok: false, message: "关键词「健康扶贫」已在最前" });
    expect(await moveQuestion(t.db, staff.actor, { inquiryId, revision: r, id: q5, direction: "up" })).toMatchObject({ ok: false, message: "该问题已是本关键词下的第一个问题" });
    expect(await relocateQuestion(t.db, staff.actor, { inquiryId, revision: r, id: q5, keywordId: k3 })).toMatchObject({ ok: false, field: "keywordId" });
    expect(await deleteKeyword(t.db, staff.actor, { inquiryId, revision: r, id: k2 })).toMatchObject({ ok: false, message: expect.stringContaining("还有 1 个问题") });
    expect(await addKeyword(t.db, staff.actor, { inquiryId, revision: r, keyword: "健康扶贫", headline: "" })).toMatchObject({ ok: false, field: "keyword" });
    expect(await snapshot(t.db)).toEqual(before);
    // positions stay contiguous after the moves
    const rows = await t.db.selectFrom("outline_questions").select(["keyword_id", "position"]).orderBy("keyword_id").orderBy("position").execute();
    expect(rows.filter((x) => x.keyword_id === k3).map((x) => x.position)).toEqual([1, 2]);
  });

  it("refuses a question citing another inquiry's finding, a county as its department, or an inactive member, changing nothing", async () => {
    const { k1 } = await buildOutline();
    const otherInquiry = ok(
      await createInquiry(t.db, staff.actor, {
        title: "另一询问", topic: "", congress: "x", sessionName: "", organizingBody: "", meetingDate: null, legalBasis: "", notes: "", respondingOrganizationIds: [],
      }),
    );
    const foreign = ok(await addFinding(t.db, staff.actor, otherInquiry, { activityId: null, text: "别处的线索" }));
    const county = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
    const before = await snapshot(t.db);
    const r = await rev();
    expect(await addQuestion(t.db, staff.actor, { inquiryId, revision: r, ...question(k1, "x", health, { sources: [{ type: "finding", id: foreign }] }) })).toMatchObject({ ok: false, field: "sources" });
    expect(await addQuestion(t.db, staff.actor, { inquiryId, revision: r, ...question(k1, "x", county) })).toMatchObject({ ok: false, field: "departmentId" });
    expect(await addQuestion(t.db, staff.actor, { inquiryId, revision: r, ...question(k1, "x", health, { questioner: { kind: "member", userId: staff.id } }) })).toMatchObject({ ok: false, field: "questionerId" });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("two editors at once: the second save, based on the older revision, is refused with a conflict and changes nothing", async () => {
    const { q1, k1 } = await buildOutline();
    const seen = await rev(); // both editors opened the page at this revision
    ok(await updateQuestion(t.db, staff.actor, { inquiryId, revision: seen, id: q1, ...question(k1, "甲的修改", health) }));
    const before = await snapshot(t.db);
    const since = await lastAuditId(t.db);
    const second = await updateQuestion(t.db, staff2.actor, { inquiryId, revision: seen, id: q1, ...question(k1, "乙的修改", education) });
    expect(second).toEqual({ ok: false, field: "_form", message: OUTLINE_CONFLICT, conflict: true });
    expect(second.ok === false && second.message).toMatch(/已被他人修改/);
    expect(await snapshot(t.db)).toEqual(before);
    expect(await auditSince(t.db, since)).toEqual([]);
    const q = (await loadOutline(t.db, inquiryId))[0].questions.find((x) => x.id === q1)!;
    expect(q).toMatchObject({ text: "甲的修改", department_id: health });
    // any stale form is refused the same way, not only edits of the same question
    expect(await addKeyword(t.db, staff2.actor, { inquiryId, revision: seen, keyword: "新关键词", headline: "" })).toMatchObject({ ok: false, conflict: true });
    expect(await moveQuestion(t.db, staff2.actor, { inquiryId, revision: seen, id: q1, direction: "down" })).toMatchObject({ ok: false, conflict: true });
    // after re-reading, the second editor's save goes through
    ok(await updateQuestion(t.db, staff2.actor, { inquiryId, revision: await rev(), id: q1, ...question(k1, "乙的修改", education) }));
    expect((await loadOutline(t.db, inquiryId))[0].questions.find((x) => x.id === q1)).toMatchObject({ text: "乙的修改", department_id: education });
  });

  it("submit → reject with a note → revise → resubmit as version 2 → approve → issue; each step refused out of turn", async () => {
    // nothing to submit yet
    expect(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false, message: "询问提纲中还没有问题，不能提请审定" });
    const { k1, q1, q4 } = await buildOutline();
    const empty = ok(await addKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), keyword: "空关键词", headline: "" }));
    expect(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false, message: expect.stringContaining("「空关键词」下还没有问题") });
    ok(await deleteKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), id: empty }));
    // decisions and issue before submission are refused
    expect(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2020-01-01", note: "" })).toMatchObject({ ok: false });
    expect(await issueOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false, message: "只有经主任会议审定通过的询问提纲才能下发" });

    const v1 = ok(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    expect((await getOutlineHead(t.db, inquiryId))!.outline_status).toBe("submitted");
    // frozen while before the council
    const frozen = await snapshot(t.db);
    expect(await updateQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q1, ...question(k1, "改", health) })).toMatchObject({ ok: false, message: expect.stringContaining("审定结果记录前不能修改") });
    expect(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false });
    expect(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "reject", decidedOn: "2020-01-01", note: "  " })).toMatchObject({ ok: false, field: "note" });
    expect(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2999-01-01", note: "" })).toMatchObject({ ok: false, field: "decidedOn" });
    expect(await snapshot(t.db)).toEqual(frozen);

    ok(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "reject", decidedOn: "2020-01-02", note: "教育问题过于笼统" }));
    expect((await getOutlineHead(t.db, inquiryId))!.outline_status).toBe("rejected");
    ok(await updateQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q4, ...question((await loadOutline(t.db, inquiryId))[1].id, "教育问二（细化）", education) }));
    const v2 = ok(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    ok(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    const versions = await listVersions(t.db, inquiryId);
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
    expect(await addKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), keyword: "新", headline: "" })).toMatchObject({ ok: false, message: expect.stringContaining("重新修订") });
    ok(await issueOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    const head = (await getOutlineHead(t.db, inquiryId))!;
    expect(head).toMatchObject({ outline_status: "issued", outline_issued_version_id: v2 });
    expect(await issueOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false, message: "询问提纲已经下发，无需重复下发" });
    expect((await exportVersion(t.db, inquiryId))!.number).toBe(2);

    // reopen: editable again; departments keep the issued version
    ok(await reopenOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    expect((await getOutlineHead(t.db, inquiryId))!).toMatchObject({ outline_status: "draft", outline_issued_version_id: v2 });
    ok(await updateQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q1, ...question(k1, "健康问一（修订中）", health) }));
    expect((await issuedQuestionsFor(t.db, inquiryId, health))!.questions.map((q) => q.question.text)).toEqual(["健康问一", "健康问二"]);
    expect(await reopenOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).toMatchObject({ ok: false });
  });

  async function issue() {
    const ids = await buildOutline();
    ok(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    ok(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    ok(await issueOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    return ids;
  }

  it("each department sees only the issued questions addressed to it, numbered as in the outline", async () => {
    const { q3, q4 } = await issue();
    const mine = (await issuedQuestionsFor(t.db, inquiryId, education))!;
    expect(mine.questions.map((q) => [q.number, q.question.id, q.answerState])).toEqual([
      [3, q3, "none"],
      [4, q4, "none"],
    ]);
    expect((await issuedQuestionsFor(t.db, inquiryId, other))!.questions).toEqual([]);
    const my = (await loadMyOutlineQuestions(t.db, { role: "department", organizationId: health }))!;
    expect(my.groups[0].questions.map((q) => q.text)).toEqual(["健康问一", "健康问二"]);
    expect(my.unanswered).toBe(2);
    expect(await loadMyOutlineQuestions(t.db, { role: "staff", organizationId: null })).toBeNull();
  });

  it("a department writes its preparation answer (draft, submit, update); another department cannot, and stale saves are refused", async () => {
    const { q1, q3 } = await issue();
    const save = (user: TestUser, questionId: number, version: number, text: string, submit: boolean) =>
      savePreparationAnswer(t.db, user.actor, { inquiryId, questionId, departmentId: user.organizationId!, version, answer: rich(text), submit, files: [] });

    const before = await snapshot(t.db);
    expect(await save(eduUser, q1, 0, "越权答复", true)).toMatchObject({ ok: false, message: "该问题不是下发给本单位的，不能答复" });
    expect(await save(healthUser, q1, 0, "", true)).toMatchObject({ ok: false, field: "answer" });
    expect(await snapshot(t.db)).toEqual(before);

    const id = ok(await save(healthUser, q1, 0, "草稿内容", false));
    expect((await issuedQuestionsFor(t.db, inquiryId, health))!.questions[0].answerState).toBe("draft");
    expect(await save(healthUser, q1, 0, "基于旧版本", true)).toMatchObject({ ok: false, conflict: true });
    ok(await save(healthUser, q1, 1, "正式答复", true));
    const row = await t.db.selectFrom("preparation_answers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "submitted", answer_text: "正式答复", department_id: health, version: 2, author_id: healthUser.id });
    expect(await save(healthUser, q1, 2, "改回草稿", false)).toMatchObject({ ok: false, message: expect.stringContaining("不能改回草稿") });
    ok(await save(healthUser, q1, 2, "补充后的答复", true));
    expect((await issuedQuestionsFor(t.db, inquiryId, health))!.questions.map((q) => q.answerState)).toEqual(["submitted", "none"]);
    // the education department's own question still works
    ok(await save(eduUser, q3, 0, "教育答复", true));

    const audit = (await auditSince(t.db, 0)).filter((a) => a.entity_type === "preparation_answer").map((a) => a.action);
    expect(audit).toEqual(["outline.answer_draft", "outline.answer_submit", "outline.answer_update", "outline.answer_submit"]);
    // an answered question cannot be deleted from a reopened outline
    ok(await reopenOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    expect(await deleteQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q1 })).toMatchObject({ ok: false, message: expect.stringContaining("书面准备答复") });
  });

  it("a preparation answer and its attachments are readable by its department, staff and members, never by another department", async () => {
    const { q1 } = await issue();
    const pdf = { fileName: "材料.pdf", mimeType: "application/pdf", size: 8, sha256: "a".repeat(64), bytes: Buffer.from("%PDF-1.4") };
    const id = ok(await savePreparationAnswer(t.db, healthUser.actor, { inquiryId, questionId: q1, departmentId: health, version: 0, answer: rich("答复"), submit: true, files: [pdf] }));
    const attachment = await t.db.selectFrom("attachments").selectAll().where("owner_type", "=", "preparation_answer").where("owner_id", "=", id).executeTakeFirstOrThrow();
    const owner = await attachmentOwner(t.db, attachment);
    const as = (u: TestUser) => ({ role: u.role, organizationId: u.organizationId, memberInquiryIds: [inquiryId] });
    expect(canReadAttachment(as(healthUser), owner)).toBe(true);
    expect(canReadAttachment(as(eduUser), owner)).toBe(false);
    expect(canReadAttachment(as(staff), owner)).toBe(true);
    expect(canReadAttachment(as(member), owner)).toBe(true);
    expect(canReadAttachment({ role: "county", organizationId: health }, owner)).toBe(false);
    const q = { departmentId: health, inquiryId };
    expect(canReadAttachment({ role: "member", organizationId: null, memberInquiryIds: [] }, owner)).toBe(false);
    expect(canReadPreparationAnswer({ role: "member", organizationId: null, memberInquiryIds: [] }, q)).toBe(false);
    expect([isQuestionDepartment(as(healthUser), q), canWritePreparationAnswer(as(healthUser), q), canReadPreparationAnswer(as(healthUser), q)]).toEqual([true, true, true]);
    expect([isQuestionDepartment(as(eduUser), q), canWritePreparationAnswer(as(eduUser), q), canReadPreparationAnswer(as(eduUser), q)]).toEqual([false, false, false]);
    expect([canWritePreparationAnswer(as(staff), q), canReadPreparationAnswer(as(staff), q)]).toEqual([false, true]);
  });

  it("a member proposes; staff accept it into the outline (member as questioner, proposal as source note) or decline it with a reason", async () => {
    const { k2 } = await buildOutline();
    const p1 = ok(await createProposal(t.db, member.actor, { inquiryId, memberId: member.id, text: "农村学校寄宿条件如何改善？", departmentId: education, keyword: "教育扶贫", sourceNote: "代表小组活动中群众反映" }));
    const p2 = ok(await createProposal(t.db, member.actor, { inquiryId, memberId: member.id, text: "重复的问题", departmentId: null, keyword: "", sourceNote: "" }));
    expect(await createProposal(t.db, staff.actor, { inquiryId, memberId: staff.id, text: "x", departmentId: null, keyword: "", sourceNote: "" })).toMatchObject({ ok: false });

    const before = await snapshot(t.db);
    expect(await declineProposal(t.db, staff.actor, { inquiryId, proposalId: p2, reason: " " })).toMatchObject({ ok: false, field: "reason" });
    expect(await acceptProposal(t.db, staff.actor, { inquiryId, revision: (await rev()) - 1, proposalId: p1, keywordId: k2, departmentId: education, text: "x" })).toMatchObject({ ok: false, conflict: true });
    expect(await snapshot(t.db)).toEqual(before);

    const qid = ok(await acceptProposal(t.db, staff.actor, { inquiryId, revision: await rev(), proposalId: p1, keywordId: k2, departmentId: education, text: "农村学校寄宿条件如何改善？" }));
    const q = (await loadOutline(t.db, inquiryId))[1].questions.at(-1)!;
    expect(q).toMatchObject({ id: qid, questioner_user_id: member.id, questioner_name: "马爱国", department_id: education });
    expect(q.staff_notes).toContain("马爱国");
    expect(q.staff_notes).toContain("代表小组活动中群众反映");
    expect(await acceptProposal(t.db, staff.actor, { inquiryId, revision: await rev(), proposalId: p1, keywordId: k2, departmentId: education, text: "x" })).toMatchObject({ ok: false, message: expect.stringContaining("已被处理") });
    ok(await declineProposal(t.db, staff.actor, { inquiryId, proposalId: p2, reason: "与第 3 题重复" }));
    const rows = await t.db.selectFrom("outline_proposals").select(["id", "status", "question_id", "decline_reason", "decided_by"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: p1, status: "accepted", question_id: qid, decline_reason: "", decided_by: staff.id },
      { id: p2, status: "declined", question_id: null, decline_reason: "与第 3 题重复", decided_by: staff.id },
    ]);
    const home = (await loadMemberOutlineHome(t.db, { role: "member", id: member.id, memberInquiryIds: [inquiryId] }))!;
    expect(home.open.map((i) => i.id)).toEqual([inquiryId]);
    expect(home.proposals.map((p) => p.status)).toEqual(["declined", "accepted"]);
    expect(home.questions.map((x) => x.text)).toEqual(["健康问一", "农村学校寄宿条件如何改善？"]);

    // once approved, no more proposals
    ok(await submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    ok(await decideOutline(t.db, staff.actor, { inquiryId, revision: await rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    expect(await createProposal(t.db, member.actor, { inquiryId, memberId: member.id, text: "迟到的建议", departmentId: null, keyword: "", sourceNote: "" })).toMatchObject({ ok: false });
    expect((await loadMemberOutlineHome(t.db, { role: "member", id: member.id, memberInquiryIds: [inquiryId] }))!.open).toEqual([]);
  });

  it("the accepted proposal's note carries the Beijing date it was made: 00:30 on 1 July is 1 July (issue 15.3)", async () => {
    await buildOutline();
    const p = ok(await createProposal(t.db, member.actor, { inquiryId, memberId: member.id, text: "交通问题", departmentId: null, keyword: "交通扶贫", sourceNote: "" }));
    await t.db.updateTable("outline_proposals").set({ created_at: "2026-06-30T16:30:00.000Z" }).where("id", "=", p).execute();
    const qid = ok(await acceptProposal(t.db, staff.actor, { inquiryId, revision: await rev(), proposalId: p, keywordId: "new", departmentId: water, text: "交通问题" }));
    const q = await t.db.selectFrom("outline_questions").selectAll().where("id", "=", qid as number).executeTakeFirstOrThrow();
    expect(JSON.stringify(q)).toContain("于 2026-07-01 提出的问题建议");
  });

  it("accepting a proposal can create the keyword it names", async () => {
    await buildOutline();
    const p = ok(await createProposal(t.db, member.actor, { inquiryId, memberId: member.id, text: "交通问题", departmentId: null, keyword: "交通扶贫", sourceNote: "" }));
    ok(await acceptProposal(t.db, staff.actor, { inquiryId, revision: await rev(), proposalId: p, keywordId: "new", departmentId: water, text: "交通问题" }));
    expect((await order()).at(-1)).toBe("交通扶贫:交通问题");
  });

  it("coverage: questions per department and questioner, departments without a question, unused findings", async () => {
    await buildOutline();
    const outline = await loadOutline(t.db, inquiryId);
    const responding = [
      { id: health, name: "市卫生健康委员会" },
      { id: education, name: "市教育局" },
      { id: water, name: "市水利局" },
      { id: other, name: "市交通运输局" },
    ];
    const c = computeCoverage(outline, responding, await sourceOptions(t.db, inquiryId));
    expect(c.byDepartment.map((d) => [d.name, d.count])).toEqual([["市卫生健康委员会", 2], ["市教育局", 2], ["市水利局", 1]]);
    expect(c.departmentsWithout.map((d) => d.name)).toEqual(["市交通运输局"]);
    expect(c.byQuestioner).toEqual(
      expect.arrayContaining([
        { label: "待定", hasAccount: false, count: 3 },
        { label: "市人大常委会委员 马爱国", hasAccount: true, count: 1 },
        { label: "市人大代表 杨应芬", hasAccount: false, count: 1 },
      ]),
    );
    expect(c.unusedFindings.map((f) => f.label)).toEqual(["饮水难"]);
    expect(c.questions).toBe(5);
  });

  it("a change whose audit entry cannot be written is not made at all", async () => {
    const { q1 } = await buildOutline();
    const before = await snapshot(t.db);
    await breakAuditLog(t.db);
    await expect(moveQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q1, direction: "down" })).rejects.toThrow(/audit log unavailable/);
    await expect(submitOutline(t.db, staff.actor, { inquiryId, revision: await rev() })).rejects.toThrow(/audit log unavailable/);
    await repairAuditLog(t.db);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("updating a keyword and deleting a question keep the rest in place", async () => {
    const { k1, q1 } = await buildOutline();
    ok(await updateKeyword(t.db, staff.actor, { inquiryId, revision: await rev(), id: k1, keyword: "健康", headline: "新标题" }));
    ok(await deleteQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q1 }));
    expect((await order())[0]).toBe("健康:健康问二");
    const rows = await t.db.selectFrom("outline_questions").select("position").where("keyword_id", "=", k1).execute();
    expect(rows.map((r) => r.position)).toEqual([1]);
  });

  it("exports a Word document whose XML parses even when the stored questions hold control characters (issue 15.1)", async () => {
    await issue();
    const version = (await exportVersion(t.db, inquiryId))!;
    const snapshot = JSON.parse(version.snapshot_json);
    snapshot.keywords[0].questions[0].text = "健康\u000c问\u000b一\u0001\u0008\u0000\ufffe";
    snapshot.keywords[0].keyword = "健康\u0001扶贫";
    // written straight into the database, as rows stored before input cleaning (or by another tool) would be
    await t.db.updateTable("outline_versions").set({ snapshot_json: JSON.stringify(snapshot) }).where("id", "=", version.id).execute();
    const stored = (await exportVersion(t.db, inquiryId))!;
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

  it("stores an outline question typed with control characters without them (issue 15.1)", async () => {
    await buildOutline();
    const form = new FormData();
    form.set("text", "农村\u000c学校\u0001寄宿\u200b条件");
    const cleaned = await readFormData(new Request("http://x/", { method: "POST", body: new URLSearchParams([...form.entries()] as [string, string][]) }));
    expect(cleaned.get("text")).toBe("农村学校寄宿条件");
  });

  it("exports the approved version as a Word document with the questions in outline order and Chinese fonts", async () => {
    const { q2 } = await issue();
    // the live outline changes after approval; the export still shows the approved version
    ok(await reopenOutline(t.db, staff.actor, { inquiryId, revision: await rev() }));
    ok(await moveQuestion(t.db, staff.actor, { inquiryId, revision: await rev(), id: q2, direction: "up" }));
    const version = (await exportVersion(t.db, inquiryId))!;
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
