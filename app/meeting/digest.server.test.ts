import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFixture, seedDemo } from "../../db/seed/demo";
import { parseRichText } from "../richtext/richtext.server";
import { auditSince, createTestDb, lastAuditId, type TestDb } from "../test/db";
import { docxText, officeXmlErrors } from "../test/office-xml";
import { digestToDocx } from "./digest-docx.server";
import { buildDigest, getPublishedDigest, listPublishedDigests, parseKinds, setDigestPublished, updateDigest } from "./digest.server";
import { exchangeLeads, turnLead } from "./labels";
import { getMeetingByInquiry } from "./setup.server";
import { recordSpeech } from "./exchanges.server";
import { makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";

function rich(text: string) {
  const r = parseRichText(text, "plain", { label: "t" });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

async function documentXml(buffer: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(buffer);
  return zip.file("word/document.xml")!.async("string");
}

describe("leads in the published shape", () => {
  it("introduces questions, answers, follow-ups and supplementary answers as the digest does", () => {
    const q = { kind: "question" as const, speaker_name: "马爱国", speaker_title: "市人大常委会委员", organization_name: null };
    const a = { kind: "answer" as const, speaker_name: "武磊", speaker_title: "副市长", organization_name: "市政府" };
    const f = { kind: "follow_up" as const, speaker_name: "马爱国", speaker_title: "市人大常委会委员", organization_name: null };
    const s = { kind: "supplementary" as const, speaker_name: "杨吉喜", speaker_title: "主任", organization_name: "市卫生健康委员会" };
    expect(turnLead(q)).toBe("市人大常委会委员马爱国询问：");
    expect(turnLead(a)).toBe("市政府副市长武磊应询：");
    expect(exchangeLeads([q, a, f, a, s])).toEqual([
      "市人大常委会委员马爱国询问：",
      "市政府副市长武磊应询：",
      "马爱国追问：",
      "武磊回答：",
      "市卫生健康委员会主任杨吉喜补充回答：",
    ]);
  });

  it("parses the chosen kinds defensively", () => {
    expect(parseKinds('["commitment","exchange","bogus"]')).toEqual(["exchange", "commitment"]);
    expect(parseKinds("nonsense")).toEqual(["exchange"]);
  });
});

describe("the digest of a meeting", () => {
  let t: TestDb;
  let w: MeetingWorld;
  beforeEach(async () => {
    t = await createTestDb();
    w = await makeMeetingWorld(t.db);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("writes a .docx whose XML parses even when stored text holds control characters (issue 15.1)", async () => {
    const id = await recordOne(t.db, w, { keyword: "健康扶贫", headline: "看得起病" });
    // written straight into the database, as rows stored before input cleaning would be
    await t.db.updateTable("meeting_segments").set({ keyword: "健康\u0001扶贫", headline: "看得\u000b起病" }).where("id", "=", id).execute();
    await t.db.updateTable("meeting_turns").set({ speaker_name: "马爱国\u0008" }).where("segment_id", "=", id).execute();
    const digest = (await buildDigest(t.db, w.inquiryId))!;
    const file = await digestToDocx(digest);
    expect(await officeXmlErrors(file)).toEqual([]);
    expect(await docxText(file)).toContain("关键词：健康扶贫");
  });

  it("groups exchanges by keyword in record order and shows only the chosen segment kinds", async () => {
    await recordSpeech(t.db, w.staff.actor, w.meetingId, { kind: "commitment", speakerName: "武磊", speakerTitle: "副市长", organizationId: w.government, body: "表态内容" });
    await recordOne(t.db, w, { keyword: "健康扶贫", headline: "看得起病" });
    await recordOne(t.db, w, { keyword: "教育扶贫", headline: "", departmentId: w.education, responderOrganizationId: w.education });
    await recordOne(t.db, w, { keyword: "健康扶贫", headline: "", question: "第二问\n第二段" });
    let digest = (await buildDigest(t.db, w.inquiryId))!;
    expect(digest.groups.map((g) => [g.keyword, g.headline, g.exchanges.length])).toEqual([
      ["健康扶贫", "看得起病", 2],
      ["教育扶贫", "", 1],
    ]);
    expect(digest.exchangeCount).toBe(3);
    expect(digest.after).toEqual([]);
    expect(digest.groups[0].exchanges[1].lines[0]).toEqual({ lead: "市人大常委会委员赵朝阳询问：", paragraphs: ["第二问", "第二段"] });

    const meeting = (await getMeetingByInquiry(t.db, w.inquiryId))!;
    expect(
      await updateDigest(t.db, w.staff.actor, w.inquiryId, meeting.version, { title: "摘要标题", reporter: "记者 某某", intro: rich("导语"), closing: rich("结语"), kinds: ["exchange", "commitment"] }),
    ).toMatchObject({ ok: true });
    digest = (await buildDigest(t.db, w.inquiryId))!;
    expect(digest).toMatchObject({ title: "摘要标题", reporter: "记者 某某", introText: "导语", closingText: "结语", kinds: ["exchange", "commitment"] });
    expect(digest.after.map((s) => s.lines[0].lead)).toEqual([expect.stringContaining("副市长武磊作表态发言：")]);
    // the exchange kind is required; a stale version is refused
    expect(await updateDigest(t.db, w.staff.actor, w.inquiryId, meeting.version + 1, { title: "", reporter: "", intro: rich(""), closing: rich(""), kinds: ["commitment"] })).toMatchObject({
      ok: false,
      field: "kinds",
    });
    expect(await updateDigest(t.db, w.staff.actor, w.inquiryId, meeting.version, { title: "x", reporter: "", intro: rich(""), closing: rich(""), kinds: ["exchange"] })).toMatchObject({
      ok: false,
      field: "_form",
    });
  });

  it("is public only while published; publishing needs an exchange; publish and unpublish are audited", async () => {
    let meeting = (await getMeetingByInquiry(t.db, w.inquiryId))!;
    const snap = await snapshotAll(t.db);
    expect(await setDigestPublished(t.db, w.staff.actor, w.inquiryId, meeting.version, true)).toMatchObject({ ok: false });
    expect(await setDigestPublished(t.db, w.staff.actor, w.inquiryId, meeting.version, false)).toMatchObject({ ok: false });
    expect(await snapshotAll(t.db)).toEqual(snap);
    await recordOne(t.db, w);
    expect(await getPublishedDigest(t.db, w.inquiryId)).toBeUndefined();
    expect(await listPublishedDigests(t.db)).toEqual([]);
    const before = await lastAuditId(t.db);
    expect(await setDigestPublished(t.db, w.staff.actor, w.inquiryId, meeting.version, true)).toMatchObject({ ok: true });
    expect((await getPublishedDigest(t.db, w.inquiryId))?.exchangeCount).toBe(1);
    expect((await listPublishedDigests(t.db)).map((d) => d.inquiry_id)).toEqual([w.inquiryId]);
    // stale
    expect(await setDigestPublished(t.db, w.staff.actor, w.inquiryId, meeting.version, false)).toMatchObject({ ok: false });
    meeting = (await getMeetingByInquiry(t.db, w.inquiryId))!;
    expect(await setDigestPublished(t.db, w.staff.actor, w.inquiryId, meeting.version, false)).toMatchObject({ ok: true });
    expect(await getPublishedDigest(t.db, w.inquiryId)).toBeUndefined();
    expect(await listPublishedDigests(t.db)).toEqual([]);
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["digest.publish", "digest.unpublish"]);
  });
});

describe("the demo meeting and its Word digest", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("holds the fixture's 16 exchanges under 12 keywords, published; seeding twice adds nothing; the .docx holds them", async () => {
    const fixture = loadFixture();
    const first = await seedDemo(t.db, fixture);
    expect(first.exchanges).toBe(16);
    const second = await seedDemo(t.db, fixture);
    expect(second.exchanges ?? 0).toBe(0);
    expect(await t.db.selectFrom("meeting_segments").select("id").execute()).toHaveLength(16);

    const digest = (await getPublishedDigest(t.db, 1))!;
    expect(digest).toBeDefined();
    expect(digest.title).toBe(fixture.closingHeadline);
    expect(digest.groups.map((g) => g.keyword)).toEqual(fixture.topics.map((x) => x.keyword));
    expect(digest.groups.map((g) => g.headline)).toEqual(fixture.topics.map((x) => x.headline));
    expect(digest.exchangeCount).toBe(16);
    const all = fixture.topics.flatMap((topic) => topic.exchanges);
    const rendered = digest.groups.flatMap((g) => g.exchanges);
    for (const [i, e] of all.entries()) {
      expect(rendered[i].lines[0].lead).toBe(`${e.questioner.role}${e.questioner.name}询问：`);
      expect(rendered[i].lines[1].lead).toBe(`${e.responder.organization}${e.responder.title}${e.responder.name}应询：`);
      expect(rendered[i].lines[1].paragraphs.join("")).toBe(e.answer.replace(/\n/g, ""));
    }
    // linked to the outline questions the outline seed made from the same texts (when it made them)
    const outline = await t.db.selectFrom("outline_questions").select("id").where("inquiry_id", "=", 1).execute();
    const segments = await t.db.selectFrom("meeting_segments").select(["outline_question_id", "unplanned"]).orderBy("position").execute();
    if (outline.length >= 16) expect(segments.every((s) => s.outline_question_id !== null && s.unplanned === 0)).toBe(true);
    else expect(segments.every((s) => s.outline_question_id === null && s.unplanned === 1)).toBe(true);
    // the member account is linked as the questioner of 马爱国's exchanges
    const member = await t.db.selectFrom("users").select("id").where("username", "=", "member").executeTakeFirstOrThrow();
    const linked = await t.db.selectFrom("meeting_segments").select("questioner_user_id").where("questioner_name", "=", "马爱国").execute();
    expect(linked.every((r) => r.questioner_user_id === member.id)).toBe(true);

    const xml = await documentXml(await digestToDocx(digest));
    expect(xml).toContain(fixture.closingHeadline);
    for (const topic of fixture.topics) {
      expect(xml).toContain(`关键词：${topic.keyword}`);
      expect(xml).toContain(topic.headline);
    }
    const leads = xml.match(/询问：/g) ?? [];
    expect(leads).toHaveLength(16);
    for (const e of all) {
      expect(xml).toContain(`${e.questioner.role}${e.questioner.name}询问：`);
      expect(xml).toContain(e.question.slice(0, 20));
      expect(xml).toContain(e.answer.slice(0, 20));
    }
  });
});
