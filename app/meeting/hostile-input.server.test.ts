import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { organizationsProblem, RESPONDING_KINDS } from "../admin/organizations.server";
import { createTestDb, makeOrganization, type TestDb } from "../test/db";
import { getSegment, updateSegment } from "./segments.server";
import { recordExchange, recordSpeech } from "./exchanges.server";
import { exchange, makeMeetingWorld, recordOne, snapshotAll, type MeetingWorld } from "./test-helpers";

/** Issue 16 item 5: organisation ids from forms that do not exist, or are of the wrong kind, are field errors. */
let t: TestDb;
let w: MeetingWorld;
let county: number;

beforeEach(async () => {
  t = await createTestDb();
  w = await makeMeetingWorld(t.db);
  county = await makeOrganization(t.db, { name: "武陟县人大常委会", kind: "county_congress" });
});
afterEach(async () => {
  await t.cleanup();
});

describe("organizationsProblem", () => {
  it("passes existing ids of the wanted kinds, skips empty entries, names the problem otherwise", async () => {
    const rule = { kinds: RESPONDING_KINDS, message: "不对" };
    expect(await organizationsProblem(t.db, [w.health, null, w.government, undefined], rule)).toBeNull();
    expect(await organizationsProblem(t.db, [], rule)).toBeNull();
    expect(await organizationsProblem(t.db, [99999], rule)).toBe("不对");
    expect(await organizationsProblem(t.db, [w.health, county], rule)).toBe("不对");
    expect(await organizationsProblem(t.db, [county], { message: "不存在" })).toBeNull();
    expect(await organizationsProblem(t.db, [Number.NaN], { message: "不存在" })).toBe("不存在");
  });
});

describe("the meeting record refuses units that do not exist or do not answer", () => {
  it("an exchange chain naming organisation 99999 or a county congress: a field error, nothing stored", async () => {
    for (const organizationId of [99999, county]) {
      const before = await snapshotAll(t.db);
      const r = await recordExchange(
        t.db,
        w.staff.actor,
        w.meetingId,
        exchange(w, { chain: [{ kind: "answer", speakerName: "x", speakerTitle: "", organizationId, body: "y" }] }),
      );
      expect(r).toMatchObject({ ok: false, field: "chain" });
      expect(await snapshotAll(t.db)).toEqual(before);
    }
  });

  it("a segment correction naming organisation 99999 or a county congress as the answering unit: refused, nothing changed", async () => {
    const id = await recordOne(t.db, w);
    const seg = (await getSegment(t.db, id))!;
    for (const org of [99999, county]) {
      const turns = seg.turns.map((x) => ({
        id: x.id,
        kind: x.kind,
        speakerName: x.speaker_name,
        speakerTitle: x.speaker_title,
        organizationId: x.kind === "answer" ? org : x.organization_id,
        body: x.body_text,
        remove: false,
      }));
      const before = await snapshotAll(t.db);
      const r = await updateSegment(t.db, w.staff.actor, id, seg.version, {
        keyword: seg.keyword,
        headline: seg.headline,
        questionerName: seg.questioner_name,
        questionerRole: seg.questioner_role,
        departmentId: w.health,
        turns,
      });
      expect(r).toMatchObject({ ok: false, field: "turns" });
      expect(await snapshotAll(t.db)).toEqual(before);
    }
    // a new answer turn naming a missing unit as well
    const r = await updateSegment(t.db, w.staff.actor, id, seg.version, {
      keyword: seg.keyword,
      headline: seg.headline,
      questionerName: seg.questioner_name,
      questionerRole: seg.questioner_role,
      departmentId: w.health,
      turns: [{ id: null, kind: "supplementary", speakerName: "x", speakerTitle: "", organizationId: 99999, body: "补充", remove: false }],
    });
    expect(r).toMatchObject({ ok: false, field: "turns" });
  });

  it("a speech naming organisation 99999: a field error", async () => {
    const r = await recordSpeech(t.db, w.staff.actor, w.meetingId, { kind: "report", speakerName: "武磊", speakerTitle: "副市长", organizationId: 99999, body: "汇报" });
    expect(r).toMatchObject({ ok: false, field: "organizationId", message: "所选单位不存在" });
  });
});
