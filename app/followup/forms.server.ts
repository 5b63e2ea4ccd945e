import { z } from "zod";
import { ACCOUNTABILITY_KINDS } from "./labels";
import { fields } from "../utils/forms.server";
import { idField, optionalIdField, versionField } from "../utils/ids";
import { isCalendarDate } from "../utils/time";

/** The zod schemas of the accountability forms (server only, so the browser never evaluates them). */
export const StepRecordSchema = z.object({
  trigger: z
    .string({ error: "请选择依据" })
    .regex(/^(vote|handling_report|overdue):[1-9]\d{0,14}$/, "请选择依据")
    .transform((v) => {
      const [type, id] = v.split(":");
      return { type: type as "vote" | "handling_report" | "overdue", id: Number(id) };
    }),
  kind: z.enum(ACCOUNTABILITY_KINDS, { error: "请选择问责措施" }),
  stepDate: z.string({ error: "请填写日期" }).trim().min(1, "请填写日期").refine(isCalendarDate, "日期格式不正确，请按“年-月-日”填写"),
  organizationId: fields.id("所涉单位"),
  itemId: optionalIdField(),
  decision: fields.requiredText("决定内容", 2000),
  publish: z.literal("1").optional(),
});

export const StepCompleteSchema = z.object({ stepId: idField(), version: versionField(), outcome: fields.optionalText("落实情况", 2000) });
export const StepPublishSchema = z.object({ stepId: idField(), version: versionField(), publish: z.enum(["0", "1"]) });

/**
 * The chronicle export form: `title`, `subtitle`, and rows `date-i`, `text-i`, `include-i` ("1" when kept). Rows
 * left out, or with no text, are not exported; a kept row needs a real date.
 */
export function chronicleFormFrom(formData: FormData):
  | { ok: true; title: string; subtitle: string; entries: { date: string; text: string }[] }
  | { ok: false; field: string; message: string } {
  const str = (k: string) => {
    const v = formData.get(k);
    return typeof v === "string" ? v.trim() : "";
  };
  const title = str("title");
  if (!title) return { ok: false, field: "title", message: "请填写大事记标题" };
  if (title.length > 200) return { ok: false, field: "title", message: "标题不能超过 200 个字" };
  const subtitle = str("subtitle").slice(0, 200);
  const entries: { date: string; text: string }[] = [];
  for (let i = 0; i < 2000; i++) {
    if (!formData.has(`text-${i}`)) {
      if (i > 0 && !formData.has(`text-${i + 1}`)) break;
      continue;
    }
    const text = str(`text-${i}`);
    if (str(`include-${i}`) !== "1" || !text) continue;
    const date = str(`date-${i}`);
    if (!isCalendarDate(date)) return { ok: false, field: `date-${i}`, message: `第 ${i + 1} 条的日期格式不正确，请按“年-月-日”填写` };
    if (text.length > 2000) return { ok: false, field: `text-${i}`, message: `第 ${i + 1} 条不能超过 2000 个字` };
    entries.push({ date, text });
  }
  if (entries.length === 0) return { ok: false, field: "_form", message: "请至少保留一条大事记" };
  entries.sort((a, b) => a.date.localeCompare(b.date));
  return { ok: true, title, subtitle, entries };
}
