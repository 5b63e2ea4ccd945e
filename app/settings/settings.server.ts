import { advisoryLock, writeTransaction } from "../../db/transactions";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { cleanString } from "../utils/text";
import { nowIso } from "../utils/time";
import { DEFAULT_ACCOUNTABILITY_OVERDUE_DAYS } from "../followup/labels";
import { CONGRESS_LEVEL_LABELS, CONGRESS_LEVELS, EMPTY_CONGRESS, type CongressLevel, type CongressSetting } from "./terms";

/**
 * The installation's own congress (issue 13; DESIGN.md §7 "an installation serves one congress"): its name and
 * level, set by the administrator. New inquiries take the name as their 人大常委会, the header, the public pages
 * and the Word letters without an inquiry use it, and every example offered in a form is made from it
 * (app/settings/terms.ts). Stored as one JSON row of `settings` under CONGRESS_KEY.
 */
type Db = Kysely<Database> | Transaction<Database>;

export const CONGRESS_KEY = "congress";

export type SettingResult = { ok: true; version: number } | { ok: false; field: string; message: string };

function parseStored(value: string | undefined): CongressSetting {
  if (!value) return EMPTY_CONGRESS;
  try {
    const v = JSON.parse(value) as Partial<CongressSetting>;
    const level = CONGRESS_LEVELS.includes(v.level as CongressLevel) ? (v.level as CongressLevel) : "city";
    return { name: typeof v.name === "string" ? v.name : "", level, version: Number.isInteger(v.version) ? Number(v.version) : 0 };
  } catch {
    return EMPTY_CONGRESS;
  }
}

/** The setting, or the empty one (name '') on an installation where the admin has not set it. */
export async function getCongress(db: Db): Promise<CongressSetting> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", CONGRESS_KEY).executeTakeFirst();
  return parseStored(row?.value);
}

/** A congress name as it is written: ends in 人大常委会 (or the full 人民代表大会常务委员会). */
const CONGRESS_NAME = /(人大常委会|人民代表大会常务委员会)$/;

export const CongressFormSchema = z.object({
  name: cleanString("请填写本级人大常委会的名称")
    .trim()
    .min(1, "请填写本级人大常委会的名称")
    .max(60, "名称不能超过 60 个字")
    .refine((v) => v.length >= 6 && CONGRESS_NAME.test(v), "请填写完整的名称，以“人大常委会”结尾，如：××市人大常委会"),
  level: z.enum(CONGRESS_LEVELS as [CongressLevel, ...CongressLevel[]], { error: "请选择本级人大的层级" }),
  version: z.coerce.number({ error: "请刷新页面后重试" }).int().min(0),
});

/**
 * Saves the name and level. `version` is the one the admin saw (0 before the first save); a save in between
 * is refused rather than overwritten. Audited in the same transaction.
 */
export async function saveCongress(db: Kysely<Database>, actor: Actor, input: { name: string; level: CongressLevel; version: number }): Promise<SettingResult> {
  const parsed = CongressFormSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: String(issue.path[0] ?? "_form"), message: issue.message };
  }
  return writeTransaction(db, async (trx) => {
    // the setting may not exist yet (no row to lock): its key is the lock (decision 0175)
    await advisoryLock(trx, `setting:${CONGRESS_KEY}`);
    const before = await getCongress(trx);
    if (before.version !== input.version) return { ok: false, field: "_form", message: "系统设置已被他人修改，请刷新页面查看最新内容后再保存。" };
    const after: CongressSetting = { name: parsed.data.name, level: parsed.data.level, version: before.version + 1 };
    const now = nowIso();
    await trx
      .insertInto("settings")
      .values({ key: CONGRESS_KEY, value: JSON.stringify(after), updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: JSON.stringify(after), updated_at: now }))
      .execute();
    await recordAudit(trx, actor, {
      action: "setting.congress",
      entityType: "setting",
      entityId: CONGRESS_KEY,
      summary: before.name
        ? `本级人大常委会由「${before.name}」改为「${after.name}」（${CONGRESS_LEVEL_LABELS[after.level]}）`
        : `设置本级人大常委会为「${after.name}」（${CONGRESS_LEVEL_LABELS[after.level]}）`,
      before: { name: before.name, level: before.level },
      after: { name: after.name, level: after.level },
    });
    return { ok: true, version: after.version };
  });
}

/** What the pages need of the setting (root loader): name and level only. */
export async function congressForPages(db: Db): Promise<{ name: string; level: CongressLevel }> {
  const c = await getCongress(db);
  return { name: c.name, level: c.level };
}

// ---- 问责 threshold (issue 21, docs/decisions/0131 and 0161) ----
export const OVERDUE_DAYS_KEY = "accountability_overdue_days";
/** 30 calendar days past the deadline: the default before the administrator sets it (docs/decisions/0131). */
export const DEFAULT_OVERDUE_DAYS = DEFAULT_ACCOUNTABILITY_OVERDUE_DAYS;
export const MAX_OVERDUE_DAYS = 365;

/**
 * How many calendar days past its deadline an open item must be before staff may record an accountability step
 * for it (约谈, 通报 …), with the setting's version (0 until first saved). Stored as JSON {days, version}; a bare
 * number (as earlier builds wrote it) reads as version 0.
 */
export async function getOverdueDaysSetting(db: Db): Promise<{ days: number; version: number }> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", OVERDUE_DAYS_KEY).executeTakeFirst();
  let days: unknown = row?.value;
  let version = 0;
  try {
    const parsed = row ? (JSON.parse(row.value) as unknown) : undefined;
    if (parsed && typeof parsed === "object") {
      days = (parsed as { days?: unknown }).days;
      version = Number((parsed as { version?: unknown }).version) || 0;
    } else days = parsed;
  } catch {
    // not JSON: read as missing
    days = undefined;
  }
  const n = Number(days);
  return { days: Number.isInteger(n) && n >= 0 && n <= MAX_OVERDUE_DAYS ? n : DEFAULT_OVERDUE_DAYS, version };
}

export const OverdueDaysFormSchema = z.object({
  days: z
    .string({ error: "请填写天数" })
    .trim()
    .regex(/^\d{1,3}$/, "请填写 0 至 365 之间的整数天数")
    .transform(Number)
    .refine((n) => n <= MAX_OVERDUE_DAYS, "请填写 0 至 365 之间的整数天数"),
  version: z.coerce.number({ error: "请刷新页面后重试" }).int().min(0),
});

/** Saves the threshold; a save in between (another version) is refused rather than overwritten. Audited. */
export async function saveOverdueDays(db: Kysely<Database>, actor: Actor, input: { days: number; version: number }): Promise<SettingResult> {
  if (!Number.isInteger(input.days) || input.days < 0 || input.days > MAX_OVERDUE_DAYS) return { ok: false, field: "days", message: "请填写 0 至 365 之间的整数天数" };
  return writeTransaction(db, async (trx) => {
    // the version check below rests on the setting's row, which may not exist yet: its name lock (0175)
    await advisoryLock(trx, `setting:${OVERDUE_DAYS_KEY}`);
    const before = await getOverdueDaysSetting(trx);
    if (before.version !== input.version) return { ok: false, field: "_form", message: "系统设置已被他人修改，请刷新页面查看最新内容后再保存。" };
    const value = JSON.stringify({ days: input.days, version: before.version + 1 });
    const now = nowIso();
    await trx
      .insertInto("settings")
      .values({ key: OVERDUE_DAYS_KEY, value, updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
      .execute();
    await recordAudit(trx, actor, {
      action: "setting.accountability_overdue_days",
      entityType: "setting",
      entityId: OVERDUE_DAYS_KEY,
      summary: `问责措施的逾期天数由 ${before.days} 天改为 ${input.days} 天`,
      before: { days: before.days },
      after: { days: input.days },
    });
    return { ok: true, version: before.version + 1 };
  });
}
