import { data } from "@remix-run/node";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import type { Actor } from "../audit.server";
import type { CurrentUser } from "../auth/session.server";
import { canForward, canReadInquiry } from "../policy.server";
import { parseForm } from "../utils/forms.server";
import { optionalIdField, versionField } from "../utils/ids";
import { cleanText } from "../utils/text";
import { redirectWithToast } from "../utils/toast.server";
import { compiledDraft, compileRollUp, forward, forwardTargets, loadSubject, rollUp, type Subject } from "./forwarding.server";

/**
 * The 下转 card of a delegated survey's or a rectification item's page (app/followup/ForwardingPanel.tsx): the
 * page's loader calls forwardingPanelData, its action hands intents "forward" and "compile" to forwardingAction.
 * One place for both pages, so the two kinds of record forward and roll up alike.
 */
export async function forwardingPanelData(db: Kysely<Database>, user: CurrentUser, subject: Subject, open: boolean) {
  const info = await loadSubject(db, subject);
  if (!info) return null;
  const holder = canForward(user, info);
  // the city (staff, members) sees the roll-up; the holder works with it; others see nothing of it
  if (!holder && !canReadInquiry(user, info.inquiryId)) return null;
  const rows = await rollUp(db, subject, user);
  const mayForward = holder && open && info.live;
  return {
    holder,
    mayForward,
    targets: mayForward ? await forwardTargets(db, user) : [],
    rows: rows.map((r) => ({ ...r, report_text: undefined, mine: r.from_organization_id === user.organizationId })),
    draft: mayForward ? compiledDraft(rows.filter((r) => r.from_organization_id === user.organizationId)) : "",
    version: info.version,
    subjectDue: info.dueDate,
  };
}
export type ForwardingPanelData = NonNullable<Awaited<ReturnType<typeof forwardingPanelData>>>;

const ForwardSchema = z.object({
  toOrganizationId: optionalIdField("请选择下转单位").refine((v) => v !== null, "请选择下转单位"),
  dueDate: z.string({ error: "请填写截止日期" }).trim().min(1, "请填写截止日期"),
  brief: z.string().max(2000, "下转要求不能超过 2000 字").optional().default(""),
});
const CompileSchema = z.object({ version: versionField(), text: z.string().max(50_000, "汇总报告过长").optional().default("") });

export const FORWARDING_INTENTS = ["forward", "compile"] as const;

/** Handles the card's forms; a refusal is shown next to its field with the input kept. */
export async function forwardingAction(db: Kysely<Database>, user: CurrentUser, actor: Actor, subject: Subject, formData: FormData, here: string) {
  const intent = String(formData.get("intent") ?? "");
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) => data({ intent, fieldErrors, values }, { status: 400 });
  if (intent === "forward") {
    const parsed = parseForm(formData, ForwardSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await forward(db, user, actor, {
      subject,
      toOrganizationId: parsed.data.toOrganizationId!,
      dueDate: parsed.data.dueDate,
      brief: cleanText(parsed.data.brief).trim(),
    });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "已下转");
  }
  const parsed = parseForm(formData, CompileSchema);
  if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
  const result = await compileRollUp(db, user, actor, { subject, version: parsed.data.version, text: parsed.data.text });
  if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
  return redirectWithToast(here, subject.type === "item" ? "已汇总为本单位的整改进展" : "已汇总到本单位的调研报告草稿");
}
