import { z } from "zod";
import { fields } from "../utils/forms.server";
import { isCalendarDate } from "../utils/time";
import { NAMED_QUESTIONER } from "./labels";
import { idField, optionalIdField, parseId } from "../utils/ids";
import type { QuestionInput } from "./questions.server";

/**
 * The zod schemas of the outline forms (used by the outline routes' actions).
 */

export const RevisionSchema = idField();

/** The small forms of the outline page: move up/down, delete, move to another keyword. */
export const MoveSchema = z.object({ id: fields.id("项目"), direction: z.enum(["up", "down"]) });
export const IdOnlySchema = z.object({ id: fields.id("项目") });
export const RelocateSchema = z.object({ id: fields.id("问题"), keywordId: fields.id("目标关键词") });

const optionalId = (label: string) => optionalIdField(`请选择${label}`);

export const KeywordFormSchema = z.object({
  keyword: fields.requiredText("关键词", 40),
  headline: fields.optionalText("标题", 100),
});

const SOURCE_RE = /^(finding|survey_report):(\d+)$/;

export const QuestionFormSchema = z
  .object({
    keywordId: fields.id("关键词"),
    text: fields.requiredText("问题内容", 1000),
    departmentId: fields.id("应询部门"),
    questionerId: z.string().optional().transform((v) => v ?? ""),
    questionerName: fields.optionalText("询问人姓名", 40),
    questionerRole: fields.optionalText("询问人职务", 40),
    addToRoster: z.string().max(10).optional(),
    sources: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.string().regex(SOURCE_RE, "来源无效，请刷新页面后重新选择")).max(50, "来源最多选择 50 项"),
    ),
    staffNotes: fields.optionalText("工作人员备注", 2000),
  })
  .superRefine(
    (v, ctx) => {
      // runs even when other fields failed, so every message is shown at once
      const who = String((v as { questionerId?: unknown }).questionerId ?? "");
      const name = String((v as { questionerName?: unknown }).questionerName ?? "").trim();
      if (who === NAMED_QUESTIONER && !name) {
        ctx.addIssue({ code: "custom", path: ["questionerName"], message: "请填写询问人姓名" });
      } else if (who && who !== NAMED_QUESTIONER && parseId(who) === null) {
        ctx.addIssue({ code: "custom", path: ["questionerId"], message: "请从组成人员名册中选择询问人" });
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  )
  .transform(
    (v): QuestionInput => ({
      keywordId: v.keywordId,
      text: v.text,
      departmentId: v.departmentId,
      questioner:
        v.questionerId === NAMED_QUESTIONER
          ? { kind: "named", name: v.questionerName, role: v.questionerRole, addToRoster: v.addToRoster === "1" }
          : v.questionerId
            ? { kind: "roster", rosterId: Number(v.questionerId) }
            : { kind: "none" },
      sources: v.sources.map((s) => {
        const m = SOURCE_RE.exec(s)!;
        return { type: m[1] as "finding" | "survey_report", id: Number(m[2]) };
      }),
      staffNotes: v.staffNotes,
    }),
  );

export const DecisionFormSchema = z.object({
  decision: z.enum(["approve", "reject"], { error: "请选择审定结果" }),
  decidedOn: z
    .string({ error: "请填写审定日期" })
    .trim()
    .min(1, "请填写审定日期")
    .refine(isCalendarDate, "审定日期格式不正确，请按“年-月-日”填写"),
  note: fields.optionalText("主任会议意见", 2000),
});

export const ProposalFormSchema = z.object({
  text: fields.requiredText("问题内容", 1000),
  keyword: fields.optionalText("建议关键词", 40),
  departmentId: optionalId("建议应询部门"),
  sourceNote: fields.optionalText("问题来源或依据", 500),
});

export const AcceptProposalSchema = z.object({
  proposalId: fields.id("问题建议"),
  keywordId: z
    .string({ error: "请选择关键词" })
    .min(1, "请选择关键词")
    .transform((v, ctx) => {
      if (v === "new") return "new" as const;
      const n = parseId(v);
      if (n === null) {
        ctx.addIssue({ code: "custom", message: "请选择关键词" });
        return z.NEVER;
      }
      return n;
    }),
  departmentId: fields.id("应询部门"),
  text: fields.requiredText("问题内容", 1000),
});

export const DeclineProposalSchema = z.object({
  proposalId: fields.id("问题建议"),
  reason: fields.requiredText("不予采纳的理由", 500),
});
