import { useCongressTerms } from "~/settings/useCongressTerms";
import { z } from "zod";
import { CheckboxGroup, chosenValues, firstError, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { cleanString } from "~/utils/text";
import { isCalendarDate } from "~/utils/time";
import { idField, versionField } from "../utils/ids";

/** The inquiry's register fields (立项), shared by the create and edit forms. Browser-safe: no server imports. */

const DATE_MESSAGE = "请填写有效的日期，例如 2020-09-22";

/** A calendar date (YYYY-MM-DD) between 2000 and 2099; empty means "not set" when optional. */
export function dateField(label: string, options: { required?: boolean } = {}) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v) => v ?? "")
    .superRefine((v, ctx) => {
      if (!v) {
        if (options.required) ctx.addIssue({ code: "custom", message: `请填写${label}` });
        return;
      }
      if (!isCalendarDate(v) || v < "2000-01-01" || v > "2099-12-31") ctx.addIssue({ code: "custom", message: `${label}：${DATE_MESSAGE}` });
    })
    .transform((v) => (v ? v : null));
}

const text = (label: string, max: number) =>
  cleanString(`请填写${label}`)
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不能超过 ${max} 个字`);
const optional = (label: string, max: number) =>
  cleanString()
    .trim()
    .max(max, `${label}不能超过 ${max} 个字`)
    .optional()
    .transform((v) => v ?? "");

/** The register fields' limits in characters: the schema enforces them, the form states them (one number each). */
export const INQUIRY_LIMITS = { title: 100, topic: 100, congress: 60, sessionName: 100, organizingBody: 60, legalBasis: 300, notes: 2000 } as const;

const shape = {
  title: text("名称", INQUIRY_LIMITS.title),
  topic: text("询问主题", INQUIRY_LIMITS.topic),
  congress: text("人大常委会", INQUIRY_LIMITS.congress),
  sessionName: optional("常委会会议", INQUIRY_LIMITS.sessionName),
  organizingBody: text("组织单位", INQUIRY_LIMITS.organizingBody),
  meetingDate: dateField("询问会日期"),
  respondingOrganizationIds: z.preprocess(
    (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
    z.array(idField("应询部门选择有误")).max(60, "应询部门过多"),
  ),
  legalBasis: optional("法律依据", INQUIRY_LIMITS.legalBasis),
  notes: optional("备注", INQUIRY_LIMITS.notes),
  // 补录 (issue 13): a record of past work; a box that is not ticked posts nothing
  backEntry: z.preprocess((v) => v === "1", z.boolean()),
};

export const InquiryCreateSchema = z.object(shape);
export const InquiryUpdateSchema = z.object({ ...shape, version: versionField() });

export const DEFAULT_LEGAL_BASIS = "《中华人民共和国各级人民代表大会常务委员会监督法》第四十七条至第五十条";

export interface InquiryDefaults {
  title: string;
  topic: string;
  congress: string;
  sessionName: string;
  organizingBody: string;
  meetingDate: string | null;
  legalBasis: string;
  notes: string;
  respondingOrganizationIds: number[];
  backEntry?: boolean;
}

export interface InquiryFormOptions {
  organizations: { id: number; name: string; active: boolean }[];
  organizingBodies: string[];
}

/**
 * A date input. A refused value that is not a date (typed where the browser has no date picker, or posted by
 * hand) is shown again as text, so the user sees what was refused.
 */
export function DateField({
  name,
  label,
  feedback,
  defaultValue,
  required,
  hint,
}: {
  name: string;
  label: string;
  feedback?: FormFeedback;
  defaultValue?: string | null;
  required?: boolean;
  hint?: string;
}) {
  const error = firstError(feedback, name);
  const kept = feedback?.values?.[name];
  const value = kept ?? defaultValue ?? "";
  const type = value && !isCalendarDate(value) ? "text" : "date";
  return <TextField name={name} label={label} type={type} feedback={feedback} defaultValue={value} required={required} hint={hint} placeholder={error ? "YYYY-MM-DD" : undefined} key={type} />;
}

/** A line above a refused form saying where to look; the messages themselves sit next to the fields. */
export function ErrorSummary({ feedback }: { feedback?: FormFeedback }) {
  const fieldsWithErrors = Object.entries(feedback?.fieldErrors ?? {}).filter(([k, v]) => k !== "_form" && v?.length);
  if (fieldsWithErrors.length === 0) return null;
  return <p className="form-error inq-summary">表单中有 {fieldsWithErrors.length} 处需要修改，请查看各栏目下方的红色提示。</p>;
}

export function InquiryFields({ feedback, options, defaults }: { feedback?: FormFeedback; options: InquiryFormOptions; defaults: InquiryDefaults }) {
  // A refused form shows the boxes as they were posted (none ticked posts nothing at all).
  const chosen = chosenValues(feedback, "respondingOrganizationIds", defaults.respondingOrganizationIds);
  const terms = useCongressTerms();
  return (
    <>
      <TextField name="title" label="名称" feedback={feedback} defaultValue={defaults.title} required maxLength={INQUIRY_LIMITS.title} hint="例如：全市脱贫攻坚工作专题询问" />
      <TextField name="topic" label="询问主题" feedback={feedback} defaultValue={defaults.topic} required maxLength={INQUIRY_LIMITS.topic} hint="例如：全市脱贫攻坚工作" />
      <div className="grid-2 inq-form-grid">
        <TextField name="congress" label="人大常委会" feedback={feedback} defaultValue={defaults.congress} required maxLength={INQUIRY_LIMITS.congress} hint={`例如：${terms.nameOrExample}`} />
        <TextField name="sessionName" label="常委会会议" feedback={feedback} defaultValue={defaults.sessionName} maxLength={INQUIRY_LIMITS.sessionName} hint={`例如：${terms.sessionExample}`} />
        <TextField
          name="organizingBody"
          label="组织单位"
          feedback={feedback}
          defaultValue={defaults.organizingBody}
          required
          maxLength={INQUIRY_LIMITS.organizingBody}
          list="inq-organizing-bodies"
          hint="承办的专门委员会或常委会工作机构"
        >
          <datalist id="inq-organizing-bodies">
            {options.organizingBodies.map((b) => (
              <option key={b} value={b} />
            ))}
          </datalist>
        </TextField>
        <DateField name="meetingDate" label="询问会日期（计划）" feedback={feedback} defaultValue={defaults.meetingDate} hint="尚未确定可暂不填写" />
      </div>
      <CheckboxGroup name="respondingOrganizationIds" legend="应询部门" feedback={feedback} className="inq-orgs">
        <div className="inq-org-list">
          {options.organizations.map((o) => (
            <label key={o.id} className="inq-org">
              <input type="checkbox" name="respondingOrganizationIds" value={o.id} defaultChecked={chosen.has(String(o.id))} />
              {o.name}
              {o.active ? null : <span className="muted">（已停用）</span>}
            </label>
          ))}
        </div>
        {options.organizations.length === 0 ? <p className="field-hint">尚无人民政府或政府部门，请先在“组织机构”中添加</p> : null}
      </CheckboxGroup>
      <TextField name="legalBasis" label="法律依据" feedback={feedback} defaultValue={defaults.legalBasis} maxLength={INQUIRY_LIMITS.legalBasis} />
      <TextAreaField name="notes" label="备注" feedback={feedback} defaultValue={defaults.notes} maxLength={INQUIRY_LIMITS.notes} />
      <div className="field" data-testid="back-entry-field">
        <label className="inq-org">
          <input type="checkbox" name="backEntry" value="1" defaultChecked={feedback?.values ? feedback.values.backEntry === "1" : Boolean(defaults.backEntry)} />
          补录：本专题询问是已开展工作的记录
        </label>
        <p className="field-hint">补录时，提请审议、审议、下发、报送、销号等环节按实际日期录入，期限可早于今天（但不能早于询问会等本询问自身的日期），不发送提醒和催办。历史工作录入完毕后可取消勾选，转为日常工作。</p>
      </div>
    </>
  );
}
