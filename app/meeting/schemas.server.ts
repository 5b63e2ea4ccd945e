import { z } from "zod";
import { SEGMENT_KINDS } from "./labels";
import { MAX_CORRECTION_DAYS } from "./setup.server";
import { fields } from "../utils/forms.server";
import { isCalendarDate } from "../utils/time";
import { idField, optionalIdField } from "../utils/ids";

/**
 * The zod schemas of the meeting routes' forms. They live in a server module so route modules never run
 * server code at their top level in the browser bundle.
 */
export const SetupSchema = z.object({
  meetingDate: z.string({ error: "请填写会议日期" }).trim().min(1, "请填写会议日期").refine(isCalendarDate, "会议日期格式不正确，请按“年-月-日”填写"),
  place: fields.optionalText("会议地点", 100),
  sessionName: fields.optionalText("所属会议", 100),
  chairName: fields.optionalText("主持人", 40),
  chairTitle: fields.optionalText("主持人职务", 60),
  governmentOrganizationId: optionalIdField("请选择应询的人民政府"),
  governmentResponderName: fields.optionalText("政府应询人", 40),
  governmentResponderTitle: fields.optionalText("政府应询人职务", 60),
  voteMode: z.enum(["none", "answer", "department"], { error: "请选择满意度测评方式" }),
  voteSecret: z
    .string()
    .optional()
    .transform((v) => v === "1"),
  correctionDays: z.coerce
    .number({ error: "请填写更正期限" })
    .int("更正期限应为整数天")
    .min(0, "更正期限不能小于 0 天")
    .max(MAX_CORRECTION_DAYS, `更正期限不能超过 ${MAX_CORRECTION_DAYS} 天`),
  version: z.string().optional(),
});

export const OfficialSchema = z.object({
  officialOrganizationId: fields.id("所在单位"),
  officialName: fields.requiredText("姓名", 40),
  officialTitle: fields.optionalText("职务", 60),
});

export const SpeechSchema = z.object({
  kind: z.enum(["opening", "report", "commitment", "closing"], { error: "请选择议程" }),
  speakerName: fields.requiredText("发言人", 40),
  speakerTitle: fields.optionalText("职务", 60),
  organizationId: optionalIdField("请选择发言人所在单位"),
  body: fields.requiredText("发言内容", 50_000),
});

export const ProposeSchema = z.object({
  turnId: fields.id("答复"),
  proposed: fields.requiredText("更正后的文字", 50_000),
  reason: fields.optionalText("更正理由", 500),
});

export const DecideSchema = z.object({
  correctionId: fields.id("更正"),
  decision: z.enum(["accept", "reject"], { error: "请选择采纳或不予采纳" }),
  note: fields.optionalText("审核意见", 500),
});

export const EditSchema = z.object({
  version: fields.version(),
  keyword: fields.optionalText("关键词", 60),
  headline: fields.optionalText("标题", 120),
  questionerName: fields.optionalText("询问人", 40),
  questionerRole: fields.optionalText("身份", 60),
  departmentId: optionalIdField("请选择应询部门"),
});

export const ReplySchema = z.object({
  departmentId: fields.id("答复部门"),
  questionText: fields.requiredText("需书面答复的问题", 5000),
  dueDate: z.string({ error: "请填写答复期限" }).trim().min(1, "请填写答复期限").refine(isCalendarDate, "答复期限格式不正确，请按“年-月-日”填写"),
});

export const OpenSchema = z.object({
  targetType: z.enum(["answer", "department"]),
  targetId: idField(),
});

export const DigestSchema = z.object({
  version: fields.version(),
  title: fields.optionalText("摘要标题", 200),
  reporter: fields.optionalText("署名", 100),
  kinds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .transform((v) => SEGMENT_KINDS.filter((k) => v.includes(k))),
});

export const ChoiceSchema = z.enum(["satisfied", "basically_satisfied", "unsatisfied", "abstain"], { error: "请选择满意、基本满意、不满意或弃权" });

const count = (label: string) =>
  z.coerce
    .number({ error: `请填写${label}` })
    .int(`${label}应为整数`)
    .min(0, `${label}不能小于 0`)
    .max(100_000, `${label}过大，请核对`);

/** Staff open a vote from the meeting's votes page: the target and the method (online, or entered totals). */
export const OpenVoteSchema = OpenSchema.extend({
  method: z.enum(["online", "entered"], { error: "请选择表决方式" }),
});

/** Totals read from the 表决器 or counted from paper. */
export const TotalsSchema = z.object({
  version: fields.version(),
  source: z.enum(["machine", "paper"], { error: "请选择表决器或纸质表决" }),
  presentCount: count("实到人数"),
  satisfied: count("满意票数"),
  basically_satisfied: count("基本满意票数"),
  unsatisfied: count("不满意票数"),
  abstain: count("弃权票数"),
});

/** Attendance: the roll rows marked present (the unchecked ones are absent). */
export const AttendanceSchema = z.object({
  version: fields.version(),
  present: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(Number))
    .refine((ids) => ids.every((n) => Number.isInteger(n) && n > 0), "出席名单有误，请刷新页面后重试"),
});

export const VersionSchema = z.object({ version: fields.version() });

export const FollowupSchema = z.object({
  version: fields.version(),
  note: fields.requiredText("办理情况", 500),
});

/** The inquiry's pass rule: basis and a fraction such as "1/2" or "2/3". */
export const RuleSchema = z.object({
  version: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : null)),
  basis: z.enum(["eligible", "present", "cast"], { error: "请选择计算基数" }),
  ratio: z.enum(["1/2", "2/3"], { error: "请选择通过比例" }).transform((v) => {
    const [num, den] = v.split("/").map(Number);
    return { num, den };
  }),
});
