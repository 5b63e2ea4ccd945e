import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createInquiry } from "../inquiries/inquiries.server";
import { addFinding } from "../research/research.server";
import { parseRichText } from "../richtext/richtext.server";
import { approvePlanForTest, createTestDb, makeOrganization, makeUser, type TestDb, type TestUser } from "../test/db";
import { getOutlineHead, loadOutline } from "./drafting.server";
import { addKeyword } from "./keywords.server";
import { addQuestion, type QuestionInput } from "./questions.server";
import { decideOutline, issueOutline, submitOutline } from "./versions.server";
import type { Result } from "../utils/result";

/**
 * The outline tests' world: a fresh database per test with four organisations (three of them responding), two
 * staff, a member, two department users, an inquiry with an approved plan and three research findings.
 * `useOutlineWorld()` registers the hooks; read the fields inside tests (they are replaced before each).
 */
export interface OutlineWorld {
  t: TestDb;
  uploads: string;
  staff: TestUser;
  staff2: TestUser;
  member: TestUser;
  healthUser: TestUser;
  eduUser: TestUser;
  health: number;
  education: number;
  water: number;
  other: number;
  inquiryId: number;
  findings: number[];
  /** The outline's current revision (what an edit form would post). */
  rev(): Promise<number>;
  question(keywordId: number, text: string, departmentId: number, extra?: Partial<QuestionInput>): QuestionInput;
  /** Three keywords, five questions for three departments, from the findings. */
  buildOutline(): Promise<{ k1: number; k2: number; k3: number; q1: number; q2: number; q3: number; q4: number; q5: number }>;
  /** "keyword:question,question" per keyword, in outline order. */
  order(): Promise<string[]>;
  /** Builds the outline, has the council approve it and issues it. */
  issue(): Promise<{ k1: number; k2: number; k3: number; q1: number; q2: number; q3: number; q4: number; q5: number }>;
}

export function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function ok(result: Result): number {
  if (!result.ok) throw new Error(`expected ok, got ${result.field}: ${result.message}`);
  return result.id;
}

export function useOutlineWorld(): OutlineWorld {
  const w = {} as OutlineWorld;

  w.rev = async () => (await getOutlineHead(w.t.db, w.inquiryId))!.outline_revision;
  w.question = (keywordId: number, text: string, departmentId: number, extra: Partial<QuestionInput> = {}): QuestionInput => ({
    keywordId,
    text,
    departmentId,
    questioner: { kind: "none" },
    sources: [],
    staffNotes: "",
    ...extra,
  });

  beforeEach(async () => {
    w.t = await createTestDb();
    w.uploads = await mkdtemp(join(tmpdir(), "xunwen-uploads-"));
    process.env.XUNWEN_UPLOAD_DIR = w.uploads;
    w.health = await makeOrganization(w.t.db, { name: "市卫生健康委员会" });
    w.education = await makeOrganization(w.t.db, { name: "市教育局" });
    w.water = await makeOrganization(w.t.db, { name: "市水利局" });
    w.other = await makeOrganization(w.t.db, { name: "市交通运输局" });
    w.staff = await makeUser(w.t.db, { role: "staff", displayName: "刘静" });
    w.staff2 = await makeUser(w.t.db, { role: "staff", displayName: "王敏" });
    w.member = await makeUser(w.t.db, { role: "member", displayName: "马爱国", title: "市人大常委会委员" });
    w.healthUser = await makeUser(w.t.db, { role: "department", organizationId: w.health });
    w.eduUser = await makeUser(w.t.db, { role: "department", organizationId: w.education });
    w.inquiryId = ok(
      await createInquiry(w.t.db, w.staff.actor, {
        title: "测试专题询问",
        topic: "测试",
        congress: "焦作市人大常委会",
        sessionName: "",
        organizingBody: "",
        meetingDate: "2031-09-22",
        legalBasis: "",
        notes: "",
        respondingOrganizationIds: [w.health, w.education, w.water],
      }),
    );
    await approvePlanForTest(w.t.db, w.inquiryId);
    w.findings = [];
    for (const text of ["看病贵", "上学远", "饮水难"]) w.findings.push(ok(await addFinding(w.t.db, w.staff.actor, w.inquiryId, { activityId: null, text })));
  });
  afterEach(async () => {
    await w.t.cleanup();
    await rm(w.uploads, { recursive: true, force: true });
  });

  w.buildOutline = async () => {
    const k1 = ok(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), keyword: "健康扶贫", headline: "看得起病" }));
    const k2 = ok(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), keyword: "教育扶贫", headline: "" }));
    const k3 = ok(await addKeyword(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), keyword: "水利扶贫", headline: "" }));
    const f = (i: number) => [{ type: "finding" as const, id: w.findings[i] }];
    const q1 = ok(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), ...w.question(k1, "健康问一", w.health, { sources: f(0), questioner: { kind: "member", userId: w.member.id } }) }));
    const q2 = ok(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), ...w.question(k1, "健康问二", w.health) }));
    const q3 = ok(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), ...w.question(k2, "教育问一", w.education, { sources: f(1), questioner: { kind: "named", name: "杨应芬", role: "市人大代表" } }) }));
    const q4 = ok(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), ...w.question(k2, "教育问二", w.education) }));
    const q5 = ok(await addQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), ...w.question(k3, "水利问一", w.water) }));
    return { k1, k2, k3, q1, q2, q3, q4, q5 };
  };

  w.order = async () => (await loadOutline(w.t.db, w.inquiryId)).map((k) => `${k.keyword}:${k.questions.map((q) => q.text).join(",")}`);


  w.issue = async () => {
    const ids = await w.buildOutline();
    ok(await submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    ok(await decideOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), decision: "approve", decidedOn: "2020-01-03", note: "" }));
    ok(await issueOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() }));
    return ids;
  };

  return w;
}
