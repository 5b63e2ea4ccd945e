import { advisoryLock, writeTransaction } from "../../db/transactions";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema";
import { recordAudit, type Actor } from "../audit.server";
import { cleanString } from "../utils/text";
import { nowIso } from "../utils/time";
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
    .refine((v) => v.length >= 6 && CONGRESS_NAME.test(v), "请填写完整的名称，以“人大常委会”结尾，如：洛阳市人大常委会"),
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
