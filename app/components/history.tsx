import { Form } from "@remix-run/react";
import { FormError, TextAreaField, type FormFeedback } from "./forms";

/**
 * The correction forms of issue 13, shared by every page that offers them.
 *
 * ConfirmStep: a step that asks first (销号, 结转, their undo, publishing). The action answered with the question;
 * this box shows it and posts the same values again with confirmed=1. Works without JavaScript.
 */
export function ConfirmStep({ question, intent, values, busy }: { question: string; intent: string; values: Record<string, string>; busy: boolean }) {
  return (
    <div className="inq-notice bad" role="alert" data-testid="confirm-step">
      <p>{question}</p>
      <Form method="post" noValidate>
        <input type="hidden" name="intent" value={intent} />
        {Object.entries(values).map(([k, v]) => (k === "intent" || k === "confirmed" ? null : <input key={k} type="hidden" name={k} value={v} />))}
        <input type="hidden" name="confirmed" value="1" />
        <button type="submit" disabled={busy}>确认</button>{" "}
        <a href="?" className="secondary">取消</a>
      </Form>
    </div>
  );
}

/**
 * The question an action answered with (app/history/confirm.server.ts confirmAnswer), if any: pass it to
 * ConfirmStep. `intents` limits it to the forms of one place on a page.
 */
export function confirmOf(result: unknown, intents?: string[]): { question: string; intent: string; values: Record<string, string> } | null {
  if (!result || typeof result !== "object") return null;
  const r = result as { confirm?: unknown; intent?: unknown; values?: unknown };
  if (typeof r.confirm !== "string" || typeof r.intent !== "string") return null;
  if (intents && !intents.includes(r.intent)) return null;
  return { question: r.confirm, intent: r.intent, values: (r.values ?? {}) as Record<string, string> };
}

/** 作废: a reason (required) and a button; the record leaves every list and count, and stays in the audit log. */
export function VoidForm({
  what,
  feedback,
  busy,
  version,
  hidden = {},
  intent = "void",
}: {
  what: string;
  feedback: FormFeedback | undefined;
  busy: boolean;
  version?: number;
  hidden?: Record<string, string | number>;
  intent?: string;
}) {
  return (
    <Form method="post" noValidate data-testid="void-form">
      <FormError feedback={feedback} />
      <input type="hidden" name="intent" value={intent} />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      {Object.entries(hidden).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <p className="muted rs-small">作废后，该{what}不再出现在各类列表、统计、检索和公开页面中，但仍可在“已作废”中查阅，并保留在操作日志里。不会删除任何内容。</p>
      <TextAreaField idPrefix={`void-${intent}`} name="reason" label="作废理由" feedback={feedback} required rows={2} maxLength={500} />
      <button type="submit" className="danger" disabled={busy}>作废</button>
    </Form>
  );
}

/** The banner on a voided record's own page (staff open it from the 已作废 view). */
export function VoidedBanner({ what, reason, at }: { what: string; reason: string; at: string }) {
  return (
    <div className="inq-notice bad" role="note" data-testid="voided-banner">
      <strong>该{what}已作废</strong>（{at}）：{reason}。已作废的内容仅供查阅，不计入任何统计。
    </div>
  );
}

/** The date field of a back-entered event (补录): shown only while the inquiry is a record of past work. */
export function BackEntryDate({ name = "on", label, feedback, defaultValue }: { name?: string; label: string; feedback: FormFeedback | undefined; defaultValue?: string }) {
  const error = feedback?.fieldErrors?.[name]?.[0];
  const id = `f-${name}-${label}`;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}（补录）<span className="required">*</span>
      </label>
      <input id={id} type="date" name={name} defaultValue={feedback?.values?.[name] ?? defaultValue ?? ""} aria-invalid={error ? true : undefined} />
      <p className="field-hint">补录历史工作：请填写实际日期。</p>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}
