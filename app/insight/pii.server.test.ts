import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getPublishedDigest, setDigestPublished } from "../meeting/digest.server";
import { getMeetingByInquiry } from "../meeting/setup.server";
import { makeMeetingWorld, recordOne, type MeetingWorld } from "../meeting/test-helpers";
import { publicRectificationStatus, setRectificationPublic } from "../rectification/closing.server";
import { auditSince, createTestDb, lastAuditId, type TestDb } from "../test/db";
import { nowIso } from "../utils/time";
import { luhnValid } from "./pii-detect";
import { publicationHits, redactAllUnreviewed, reviewHit } from "./pii.server";

// synthetic numbers, check characters computed
const w17 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID = ((b: string) => b + "10X98765432"[[...b].reduce((s, d, i) => s + Number(d) * w17[i], 0) % 11])("41082319750612301");
const CARD = ((p: string) => p + [..."0123456789"].find((d) => luhnValid(p + d)))("621700000000001234");

describe("personal data before publication (digest)", () => {
  let t: TestDb;
  let w: MeetingWorld;
  beforeEach(async () => {
    t = await createTestDb();
    w = await makeMeetingWorld(t.db);
  });
  afterEach(async () => t.cleanup());

  const version = async () => (await getMeetingByInquiry(t.db, w.inquiryId))!.version;

  it("refuses to publish while a hit is unreviewed, then publishes the masked text and keeps the original", async () => {
    await recordOne(t.db, w, { answer: `经核实，贫困户王小红（身份证号${ID}，电话13800138000，卡号${CARD}）已纳入保障。` });
    const hits = await publicationHits(t.db, w.inquiryId, "digest");
    expect(hits.map((h) => h.kind)).toEqual(["name", "id_number", "mobile", "bank_card"]);
    expect(hits[1].context.before).toContain("身份证号");

    const refused = await setDigestPublished(t.db, w.staff.actor, w.inquiryId, await version(), true);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toContain("4 处");
    expect((await getMeetingByInquiry(t.db, w.inquiryId))!.digest_published_at).toBeNull();

    // one hit marked not personal (the reviewer knows 13800138000 is a public service number), one redacted
    const mobile = hits.find((h) => h.kind === "mobile")!;
    expect(await reviewHit(t.db, w.staff.actor, { inquiryId: w.inquiryId, scope: "digest", source: mobile.source, match: mobile.match, decision: "not_personal", version: 0 })).toEqual({ ok: true });
    const name = hits.find((h) => h.kind === "name")!;
    const before = await lastAuditId(t.db);
    expect((await reviewHit(t.db, w.staff.actor, { inquiryId: w.inquiryId, scope: "digest", source: name.source, match: name.match, decision: "redact", version: 0 })).ok).toBe(true);
    expect((await auditSince(t.db, before)).map((a) => a.action)).toEqual(["pii.review"]);
    expect((await auditSince(t.db, before))[0].summary).not.toContain("王小红");
    // the same hit reviewed by someone who saw it unreviewed: refused, not overwritten
    const stale = await reviewHit(t.db, w.staff.actor, { inquiryId: w.inquiryId, scope: "digest", source: name.source, match: name.match, decision: "not_personal", version: 0 });
    expect(stale.ok).toBe(false);

    expect((await setDigestPublished(t.db, w.staff.actor, w.inquiryId, await version(), true)).ok).toBe(false);
    expect(await redactAllUnreviewed(t.db, w.staff.actor, { inquiryId: w.inquiryId, scope: "digest" })).toBe(2);
    expect((await setDigestPublished(t.db, w.staff.actor, w.inquiryId, await version(), true)).ok).toBe(true);

    const published = JSON.stringify(await getPublishedDigest(t.db, w.inquiryId));
    expect(published).toContain("贫困户王某");
    expect(published).toContain("13800138000");
    for (const secret of ["王小红", ID, CARD]) expect(published).not.toContain(secret);
    // the original stays as entered, internally
    const stored = await t.db.selectFrom("meeting_turns").select("body_text").where("body_text", "like", "%王小红%").executeTakeFirst();
    expect(stored?.body_text).toContain(ID);
  });

  it("masks a hit that appears after publication, unreviewed", async () => {
    const turnSegment = await recordOne(t.db, w, { answer: "已按政策落实。" });
    expect((await setDigestPublished(t.db, w.staff.actor, w.inquiryId, await version(), true)).ok).toBe(true);
    const turn = await t.db.selectFrom("meeting_turns").select("id").where("segment_id", "=", turnSegment).where("kind", "=", "answer").executeTakeFirstOrThrow();
    await t.db.updateTable("meeting_turns").set({ body_text: `已按政策落实，联系人电话13800138000。`, updated_at: nowIso() }).where("id", "=", turn.id).execute();
    const published = JSON.stringify(await getPublishedDigest(t.db, w.inquiryId));
    expect(published).not.toContain("13800138000");
    expect(published).toContain("＊＊＊＊＊＊＊＊＊＊＊");
  });

  it("refuses the public rectification status until its hits are reviewed", async () => {
    const now = nowIso();
    await t.db
      .insertInto("rectification_items")
      .values({ inquiry_id: w.inquiryId, number: 1, problem: `患者李大山（${ID}）报销未到位`, lead_department_id: w.health, deadline: "2030-01-01", original_deadline: "2030-01-01", created_at: now, updated_at: now })
      .execute();
    const inquiryVersion = async () => (await t.db.selectFrom("inquiries").select("version").where("id", "=", w.inquiryId).executeTakeFirstOrThrow()).version;
    const refused = await setRectificationPublic(t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await inquiryVersion(), isPublic: true });
    expect(refused.ok).toBe(false);
    await redactAllUnreviewed(t.db, w.staff.actor, { inquiryId: w.inquiryId, scope: "rectification" });
    expect((await setRectificationPublic(t.db, w.staff.actor, { inquiryId: w.inquiryId, version: await inquiryVersion(), isPublic: true })).ok).toBe(true);
    const status = await publicRectificationStatus(t.db, w.inquiryId);
    expect(status!.items[0].problem).toBe("患者李某（＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊＊）报销未到位");
  });
});
