/**
 * Shared set-up of the rectification tests (vitest only): an inquiry, departments A, B, C, the government,
 * accounts for staff, each department, the government's liaison and two members, and small builders.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import type { CheckedUpload } from "../attachments/attachments.server";
import { createInquiry } from "../inquiries/inquiries.server";
import { parseRichText, type RichText } from "../richtext/richtext.server";
import { approvePlanForTest, createTestDb, makeOrganization, makeUser, type TestDb, type TestUser } from "../test/db";
import { addDays } from "../utils/time";
import { createItem, type ItemInput } from "./items.server";
import { todayInShanghai, nowIso } from "../utils/time";

export function rich(text: string): RichText {
  const r = parseRichText(text, "plain", { label: "测试" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

export function evidence(name = "佐证材料.pdf", extra = ""): CheckedUpload {
  const bytes = Buffer.concat([PDF, Buffer.from(extra)]);
  return { fileName: name, mimeType: "application/pdf", size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), bytes };
}

export interface World {
  t: TestDb;
  uploads: string;
  inquiryId: number;
  orgA: number;
  orgB: number;
  orgC: number;
  gov: number;
  county: number;
  staff: TestUser;
  deptA: TestUser;
  deptB: TestUser;
  deptC: TestUser;
  liaison: TestUser;
  member: TestUser;
  member2: TestUser;
  cleanup: () => Promise<void>;
}

export async function makeWorld(options: { members?: boolean } = {}): Promise<World> {
  const t = await createTestDb();
  const uploads = await mkdtemp(join(tmpdir(), "xunwen-rect-uploads-"));
  process.env.XUNWEN_UPLOAD_DIR = uploads;
  const orgA = await makeOrganization(t.db, { name: "市卫生健康委员会", kind: "department" });
  const orgB = await makeOrganization(t.db, { name: "市教育局", kind: "department" });
  const orgC = await makeOrganization(t.db, { name: "市水利局", kind: "department" });
  const gov = await makeOrganization(t.db, { name: "市政府", kind: "government" });
  const county = await makeOrganization(t.db, { name: "温县人大常委会", kind: "county_congress" });
  const staff = await makeUser(t.db, { role: "staff" });
  const deptA = await makeUser(t.db, { role: "department", organizationId: orgA });
  const deptB = await makeUser(t.db, { role: "department", organizationId: orgB });
  const deptC = await makeUser(t.db, { role: "department", organizationId: orgC });
  const liaison = await makeUser(t.db, { role: "department", organizationId: gov });
  const member = options.members ? await makeUser(t.db, { role: "member" }) : staff;
  const member2 = options.members ? await makeUser(t.db, { role: "member" }) : staff;
  const created = await createInquiry(t.db, staff.actor, {
    title: "测试专题询问",
    topic: "",
    congress: "焦作市人大常委会",
    sessionName: "",
    organizingBody: "",
    meetingDate: "2020-09-22",
    legalBasis: "",
    notes: "",
    respondingOrganizationIds: [gov, orgA, orgB],
  });
  if (!created.ok) throw new Error(created.message);
  await approvePlanForTest(t.db, created.id);
  return {
    t,
    uploads,
    inquiryId: created.id,
    orgA,
    orgB,
    orgC,
    gov,
    county,
    staff,
    deptA,
    deptB,
    deptC,
    liaison,
    member,
    member2,
    cleanup: async () => {
      await t.cleanup();
      await rm(uploads, { recursive: true, force: true });
      delete process.env.XUNWEN_UPLOAD_DIR;
    },
  };
}

export function itemInput(w: World, over: Partial<ItemInput> = {}): ItemInput {
  return {
    problem: "因病致贫返贫风险监测不够及时",
    requirement: "建立健全监测预警机制",
    leadDepartmentId: w.orgA,
    coDepartmentIds: [w.orgB],
    deadline: addDays(todayInShanghai(), 60),
    sourceType: "manual",
    sourceId: null,
    ...over,
  };
}

export async function makeItem(w: World, over: Partial<ItemInput> = {}): Promise<number> {
  const r = await createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, over));
  if (!r.ok) throw new Error(r.message);
  return r.id;
}

/** A meeting with one exchange (question + answer) for the inquiry; returns the segment id. */
export async function makeExchange(w: World, inquiryId = w.inquiryId, departmentId = w.orgA): Promise<number> {
  const now = nowIso();
  const existing = await w.t.db.selectFrom("meetings").select("id").where("inquiry_id", "=", inquiryId).executeTakeFirst();
  const meetingId =
    existing?.id ??
    (await w.t.db.insertInto("meetings").values({ inquiry_id: inquiryId, meeting_date: "2020-09-22", created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow()).id;
  const seg = await w.t.db
    .insertInto("meeting_segments")
    .values({
      meeting_id: meetingId,
      inquiry_id: inquiryId,
      kind: "exchange",
      position: 1,
      keyword: "健康扶贫",
      questioner_name: "赵朝阳",
      questioner_role: "市人大常委会委员",
      department_id: departmentId,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const q = rich("患病是致贫返贫的重要原因，采取了哪些措施？");
  const a = rich("全市因病致贫人数大幅减少。");
  await w.t.db
    .insertInto("meeting_turns")
    .values([
      { segment_id: seg.id, position: 1, kind: "question", speaker_name: "赵朝阳", speaker_title: "委员", body_json: q.json, body_text: q.text, body_html: q.html, created_at: now, updated_at: now },
      { segment_id: seg.id, position: 2, kind: "answer", speaker_name: "杨吉喜", speaker_title: "主任", organization_id: departmentId, body_json: a.json, body_text: a.text, body_html: a.html, created_at: now, updated_at: now },
    ])
    .execute();
  return seg.id;
}
