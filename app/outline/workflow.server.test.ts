import { describe, expect, it } from "vitest";
import type { OutlineStatus } from "../../db/schema";
import {
  auditSince,
  breakAuditLog,
  lastAuditId,
  repairAuditLog,
  snapshot,
} from "../test/db";
import { addKeyword } from "./keywords.server";
import { moveQuestion, updateQuestion } from "./questions.server";
import { loadOutline } from "./drafting.server";
import { submitOutline } from "./versions.server";
import { nextOutlineStatus, OUTLINE_CONFLICT, type OutlineAction } from "./workflow.server";
import { ok, useOutlineWorld } from "./test-helpers";

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

describe("the outline against the database", () => {
  const w = useOutlineWorld();

  it("two editors at once: the second save, based on the older revision, is refused with a conflict and changes nothing", async () => {
    const { q1, k1 } = await w.buildOutline();
    const seen = await w.rev(); // both editors opened the page at this revision
    ok(await updateQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: seen, id: q1, ...w.question(k1, "甲的修改", w.health) }));
    const before = await snapshot(w.t.db);
    const since = await lastAuditId(w.t.db);
    const second = await updateQuestion(w.t.db, w.staff2.actor, { inquiryId: w.inquiryId, revision: seen, id: q1, ...w.question(k1, "乙的修改", w.education) });
    expect(second).toEqual({ ok: false, field: "_form", message: OUTLINE_CONFLICT, conflict: true });
    expect(second.ok === false && second.message).toMatch(/已被他人修改/);
    expect(await snapshot(w.t.db)).toEqual(before);
    expect(await auditSince(w.t.db, since)).toEqual([]);
    const q = (await loadOutline(w.t.db, w.inquiryId))[0].questions.find((x) => x.id === q1)!;
    expect(q).toMatchObject({ text: "甲的修改", department_id: w.health });
    // any stale form is refused the same way, not only edits of the same question
    expect(await addKeyword(w.t.db, w.staff2.actor, { inquiryId: w.inquiryId, revision: seen, keyword: "新关键词", headline: "" })).toMatchObject({ ok: false, conflict: true });
    expect(await moveQuestion(w.t.db, w.staff2.actor, { inquiryId: w.inquiryId, revision: seen, id: q1, direction: "down" })).toMatchObject({ ok: false, conflict: true });
    // after re-reading, the second editor's save goes through
    ok(await updateQuestion(w.t.db, w.staff2.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1, ...w.question(k1, "乙的修改", w.education) }));
    expect((await loadOutline(w.t.db, w.inquiryId))[0].questions.find((x) => x.id === q1)).toMatchObject({ text: "乙的修改", department_id: w.education });
  });

  it("a change whose audit entry cannot be written is not made at all", async () => {
    const { q1 } = await w.buildOutline();
    const before = await snapshot(w.t.db);
    await breakAuditLog(w.t.db);
    await expect(moveQuestion(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev(), id: q1, direction: "down" })).rejects.toThrow(/audit log unavailable/);
    await expect(submitOutline(w.t.db, w.staff.actor, { inquiryId: w.inquiryId, revision: await w.rev() })).rejects.toThrow(/audit log unavailable/);
    await repairAuditLog(w.t.db);
    expect(await snapshot(w.t.db)).toEqual(before);
  });
});
