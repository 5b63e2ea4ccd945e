import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditSince, createTestDb, lastAuditId, makeUser, snapshot, type TestDb, type TestUser } from "~/test/db";
import { inquiryFormOptions } from "~/inquiries/inquiries.server";
import { getCongress, saveCongress } from "./settings.server";
import { congressTerms, EMPTY_CONGRESS } from "./terms";

let t: TestDb;
let admin: TestUser;

beforeEach(async () => {
  t = await createTestDb();
  admin = await makeUser(t.db, { role: "admin" });
});
afterEach(async () => {
  await t.cleanup();
});

describe("the congress setting (本级人大常委会)", () => {
  it("an installation without the demo seed names no congress: empty setting, neutral examples, no default", async () => {
    expect(await getCongress(t.db)).toEqual(EMPTY_CONGRESS);
    const terms = congressTerms(await getCongress(t.db));
    expect(terms.nameOrExample).toBe("××市人大常委会");
    expect(JSON.stringify(terms)).not.toMatch(/焦作|洛阳/);
    expect((await inquiryFormOptions(t.db)).defaultCongress).toBe("");
  });

  it("the admin sets name and level: audited, used as new inquiries' default and in the examples", async () => {
    const since = await lastAuditId(t.db);
    expect(await saveCongress(t.db, admin.actor, { name: "洛阳市人大常委会", level: "city", version: 0 })).toEqual({ ok: true, version: 1 });
    expect(await getCongress(t.db)).toEqual({ name: "洛阳市人大常委会", level: "city", version: 1 });
    expect((await inquiryFormOptions(t.db)).defaultCongress).toBe("洛阳市人大常委会");
    expect(congressTerms({ name: "西城区人大常委会", level: "county" }).memberTitle).toBe("区人大常委会委员");
    const audit = await auditSince(t.db, since);
    expect(audit).toMatchObject([{ action: "setting.congress", after: { name: "洛阳市人大常委会", level: "city" } }]);
  });

  it("bad input and a stale version are refused with a field message; nothing changes", async () => {
    const before = await snapshot(t.db);
    expect(await saveCongress(t.db, admin.actor, { name: "", level: "city", version: 0 })).toEqual({ ok: false, field: "name", message: "请填写本级人大常委会的名称" });
    expect(await saveCongress(t.db, admin.actor, { name: "洛阳", level: "city", version: 0 })).toMatchObject({ ok: false, field: "name" });
    expect(await saveCongress(t.db, admin.actor, { name: "洛阳市人大常委会", level: "galaxy" as never, version: 0 })).toMatchObject({ ok: false, field: "level" });
    expect(await saveCongress(t.db, admin.actor, { name: "洛阳市人大常委会", level: "city", version: 3 })).toMatchObject({ ok: false, field: "_form" });
    expect(await snapshot(t.db)).toEqual(before);
  });
});
