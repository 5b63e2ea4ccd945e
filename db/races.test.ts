/**
 * The races measured on PostgreSQL before the transaction audit (issue 18; ../shared/notes/postgresql.md;
 * docs/decisions/0175-transaction-locks.md), run on whichever engine the suite runs on (npm test runs both).
 * SQLite's single writer serialises these by itself; on PostgreSQL (READ COMMITTED) they hold only because of
 * the locks of db/transactions.ts. Each figure is logged, so a run shows the counts, not just pass/fail.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authenticate } from "../app/auth/login.server";
import { THROTTLE } from "../app/auth/throttle.server";
import { itemInput, makeItem, makeWorld, type World } from "../app/rectification/fixtures.test-helpers";
import { createItem, getItem, updateItem } from "../app/rectification/items.server";
import { makeUser, TEST_ENGINE } from "../app/test/db";
import { onTransactionRetry } from "./transactions";

function report(what: string, figures: Record<string, unknown>) {
  console.log(`[race ${TEST_ENGINE}] ${what}: ${JSON.stringify(figures)}`);
}

describe(`races that SQLite's single writer hid (${TEST_ENGINE})`, () => {
  let w: World;
  let retries: string[];
  let stop: () => void;
  beforeEach(async () => {
    w = await makeWorld();
    retries = [];
    stop = onTransactionRetry((e) => retries.push(e.code));
  });
  afterEach(async () => {
    stop();
    await w.cleanup();
  });

  it("20 parallel saves of one item from the same version: exactly one is accepted, the others are told of the conflict", async () => {
    const id = await makeItem(w);
    const { version } = (await getItem(w.t.db, id))!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateItem(w.t.db, w.staff.actor, { id, version, problem: `第 ${i + 1} 位的修改`, requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [] }),
      ),
    );
    const accepted = results.filter((r) => r.ok).length;
    const after = (await getItem(w.t.db, id))!;
    report("20 saves from one version", { accepted, conflicts: results.filter((r) => !r.ok && r.field === "_form").length, versionAfter: after.version - version, retries: retries.length });
    expect(accepted).toBe(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.field === "_form")).toBe(true);
    // the one accepted save is the one the item shows, and the version moved once
    expect(after.version).toBe(version + 1);
    const winner = results.findIndex((r) => r.ok);
    expect(after.problem).toBe(`第 ${winner + 1} 位的修改`);
  });

  it("20 items created in parallel in one inquiry: all 20 saved, numbered 1 to 20", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createItem(w.t.db, w.staff.actor, w.inquiryId, itemInput(w, { problem: `并发交办 ${i + 1}` }))));
    const numbers = (await w.t.db.selectFrom("rectification_items").select("number").where("inquiry_id", "=", w.inquiryId).orderBy("number").execute()).map((r) => r.number);
    report("20 parallel creations", { created: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, distinctNumbers: new Set(numbers).size, retries: retries.length });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("40 edits of 40 different items at once: all 40 saved, none retried (the locks do not make unrelated work wait or fail)", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await makeItem(w, { problem: `事项 ${i + 1}` }));
    const versions = await Promise.all(ids.map(async (id) => (await getItem(w.t.db, id))!.version));
    const results = await Promise.all(
      ids.map((id, i) => updateItem(w.t.db, w.staff.actor, { id, version: versions[i], problem: `事项 ${i + 1}（已修改）`, requirement: "", leadDepartmentId: w.orgA, coDepartmentIds: [] })),
    );
    report("40 edits of 40 items", { saved: results.filter((r) => r.ok).length, retries: retries.length });
    expect(results.filter((r) => r.ok)).toHaveLength(40);
    expect(retries).toEqual([]);
  });

  it(`12 parallel wrong passwords for one account: the throttle evaluates ${THROTTLE.freeFailures}, refuses the rest`, async () => {
    await makeUser(w.t.db, { username: "race-target" });
    const at = new Date();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => authenticate(w.t.db, { username: "race-target", password: "Wrong-Password-9", ip: "198.51.100.7" }, () => at)),
    );
    const evaluated = results.filter((r) => !r.ok && r.reason === "invalid").length;
    const throttled = results.filter((r) => !r.ok && r.reason === "throttled").length;
    report("12 parallel wrong passwords", { evaluated, throttled, limit: THROTTLE.freeFailures, retries: retries.length });
    expect(evaluated).toBe(THROTTLE.freeFailures);
    expect(throttled).toBe(12 - THROTTLE.freeFailures);
  });
});
