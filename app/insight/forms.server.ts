import { z } from "zod";
import { fields } from "../utils/forms.server";

/** Form schemas of the insight pages (zod; Chinese messages). */
const problemKey = z.string().regex(/^(item|question|finding):[1-9]\d{0,9}$/, "问题标识无效");

export const GroupActionSchema = z.object({
  intent: z.enum(["confirm", "split"], { message: "未知的操作，请刷新页面后重试" }),
  keys: z
    .string({ message: "请求无效，请刷新页面后重试" })
    .transform((v) => v.split(","))
    .pipe(z.array(problemKey).min(2, "请求无效，请刷新页面后重试").max(500)),
});

export const ApartSchema = z.array(problemKey).max(500);

export const RecurringFilterSchema = z.object({
  department: z.coerce.number().int().positive().optional().catch(undefined),
  topic: z.string().max(100).optional().catch(undefined),
});

export const ReviewSchema = z.object({
  intent: z.literal("review"),
  source: z.string().regex(/^(meeting|segment|turn|item|handling|review):[1-9]\d{0,9}:[a-z]+$/, "请求无效，请刷新页面后重试"),
  match: z.string().min(1).max(60),
  decision: z.enum(["redact", "not_personal"], { message: "请选择处理方式" }),
  version: z.coerce.number().int().min(0).max(1_000_000),
});

export const YearSchema = z.coerce.number({ message: "年份无效" }).int("年份无效").min(1990, "年份无效").max(2100, "年份无效");

export { fields };
