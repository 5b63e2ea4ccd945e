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
