import { z } from "zod";
import { fields } from "../utils/forms.server";
import { idField, optionalIdField } from "../utils/ids";
import { LETTER_KINDS } from "./letter-kinds";

/** The zod schemas of the letter, template and calendar forms (server only: routes use them in actions). */

export const IssueLetterSchema = z.object({
  kind: z.enum(["assign_outline", "assign_items", "supervise", "opinion"], { error: "请选择公文种类" }),
  organizationId: optionalIdField(),
  note: fields.optionalText("意见", 3000),
});

export const TemplateSchema = z.object({
  intent: z.literal("template"),
  kind: z.enum(LETTER_KINDS, { error: "请选择模板" }),
  version: fields.version(),
  title: fields.requiredText("标题", 200),
  body: fields.requiredText("正文", 5000),
});

export const PrefixSchema = z.object({ intent: z.literal("prefix"), prefix: fields.requiredText("发文机关代字", 20) });

export const HolidayFormSchema = z.object({
  year: z.coerce.number({ error: "请填写年份" }).int("年份须为整数").min(2000, "年份须在 2000 至 2100 之间").max(2100, "年份须在 2000 至 2100 之间"),
  text: fields.optionalText("节假日安排", 20000),
  source: fields.optionalText("依据", 200),
});
