import { z } from "zod";
import type { VoteChoice } from "../../db/schema";
import { fields } from "../utils/forms.server";
import { isCalendarDate } from "../utils/time";
import { VOTE_CHOICES } from "./labels";
import { idField, versionField, optionalIdField, idListField } from "../utils/ids";

/**
 * The zod schemas of the rectification forms. They live in a server module (not at the top of the route
 * files) so that the browser bundle never evaluates them: routes use them in their actions only.
 */
const date = (label: string) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, `请填写${label}`)
    .refine(isCalendarDate, `${label}格式不正确，请按“年-月-日”填写`);


/** 整改时限 as a date, or as N 工作日 from today (deadlineWorkdays; then the date is computed and may be empty). */
export const ItemCreateSchema = z
  .object({
    problem: fields.requiredText("问题", 2000),
    requirement: fields.optionalText("整改要求", 2000),
    leadDepartmentId: fields.id("牵头单位"),
    coDepartmentIds: idListField(),
    deadlineMode: z.enum(["date", "workdays"]).default("date"),
    deadline: z.string().trim().default(""),
    deadlineWorkdays: z.string().trim().default(""),
    source: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.deadlineMode === "workdays") {
      const n = Number(v.deadlineWorkdays);
      if (!v.deadlineWorkdays) ctx.addIssue({ code: "custom", path: ["deadlineWorkdays"], message: "请填写工作日数" });
      else if (!Number.isInteger(n) || n < 1 || n > 366) ctx.addIssue({ code: "custom", path: ["deadlineWorkdays"], message: "工作日数须为 1 至 366 之间的整数" });
    } else if (!v.deadline) ctx.addIssue({ code: "custom", path: ["deadline"], message: "请填写整改时限" });
    else if (!isCalendarDate(v.deadline)) ctx.addIssue({ code: "custom", path: ["deadline"], message: "整改时限格式不正确，请按“年-月-日”填写" });
  })
  .transform((v) => ({ ...v, deadlineWorkdays: v.deadlineMode === "workdays" ? Number(v.deadlineWorkdays) : null, deadline: v.deadlineMode === "workdays" ? "" : v.deadline }));

export const ItemEditSchema = z.object({
  version: fields.version(),
  problem: fields.requiredText("问题", 2000),
  requirement: fields.optionalText("整改要求", 2000),
  leadDepartmentId: fields.id("牵头单位"),
  coDepartmentIds: idListField(),
});

export const CommentSchema = fields.optionalText("意见", 2000);
export const VersionSchema = fields.version();

export const ExtensionRequestSchema = z.object({
  requestedDeadline: date("新的整改时限"),
  reason: fields.requiredText("延期理由", 2000),
});

export const ExtensionDecisionSchema = z.object({
  extensionId: idField(),
  decision: z.enum(["approve", "deny"]),
  note: fields.optionalText("审批意见", 2000),
});

export const WarningDaysSchema = z.object({
  warningDays: z.coerce.number({ error: "请填写预警天数" }).int("预警天数须为整数").min(1, "预警天数须为 1 至 90 之间的整数").max(90, "预警天数须为 1 至 90 之间的整数"),
});
export const PublicSchema = z.object({ version: fields.version(), public: z.enum(["0", "1"]) });

export const DueDateSchema = z.object({ dueDate: date("报送期限"), reportId: optionalIdField(), version: optionalIdField() });
export const ReportRefSchema = z.object({ reportId: idField(), version: versionField() });
export const OptionalReportRefSchema = z.object({ reportId: optionalIdField(), version: optionalIdField() });
export const BallotSchema = z.object({
  reportId: idField(),
  choice: z.enum(VOTE_CHOICES as [VoteChoice, ...VoteChoice[]], { error: "请选择测评意见" }),
});
export const CloseVoteSchema = ReportRefSchema.extend({ newDueDate: z.string().trim().optional().transform((v) => v ?? "") });
export const AcceptReportSchema = ReportRefSchema.extend({ note: fields.optionalText("意见", 2000) });

/** 审议 of a round of the handling report (the opinion is rich text, read with richTextFromForm). */
export const HandlingReviewSchema = z.object({
  reportId: z.coerce.number().int().positive(),
  version: optionalIdField(),
  reviewedOn: date("审议日期"),
  sessionName: fields.requiredText("审议的会议", 100),
  resolution: fields.optionalText("决议", 5000),
});
/** Publishing a round of the handling report needs the confirmation box ticked (checked again in the domain). */
export const HandlingPublishSchema = ReportRefSchema.extend({ confirmed: z.literal("1").optional() });
