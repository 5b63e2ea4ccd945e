import { useState, type ReactNode } from "react";

/** What an action returns when a form is refused: the messages per field and the values to show again. */
export interface FormFeedback {
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
}

export function firstError(feedback: FormFeedback | undefined, name: string): string | undefined {
  return feedback?.fieldErrors?.[name]?.[0];
}

export function FormError({ feedback }: { feedback: FormFeedback | undefined }) {
  const message = firstError(feedback, "_form");
  return message ? (
    <div className="form-error" role="alert">
      {message}
    </div>
  ) : null;
}

interface FieldProps {
  name: string;
  label: string;
  feedback?: FormFeedback;
  defaultValue?: string | number | null;
  type?: string;
  required?: boolean;
  hint?: ReactNode;
  autoComplete?: string;
  autoFocus?: boolean;
  /**
   * The field's limit in characters, as the server's schema enforces it. Shown beside the field with a live
   * count; never set as the input's maxlength, which would cut pasted text silently (issue 15.8).
   */
  maxLength?: number;
  placeholder?: string;
  /** The id of a <datalist> offering suggestions. */
  list?: string;
  /** The field's id is `${idPrefix}-${name}`; set it when the same name appears in several forms on a page. */
  idPrefix?: string;
  /** Rendered right after the input (e.g. the <datalist> named by `list`). */
  children?: ReactNode;
}

/** The label above a field, with the red star when it is required. */
function FieldLabel({ id, label, required }: { id: string; label: string; required?: boolean }) {
  return (
    <label htmlFor={id} className="field-label">
      {label}
      {required ? <span className="required">*</span> : null}
    </label>
  );
}

/** The field's Chinese error message; `${id}-error` is what aria-describedby points at. */
function FieldErrorText({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p id={`${id}-error`} className="field-error">
      {error}
    </p>
  ) : null;
}

/**
 * "不超过 100 字" beside a field, with the count of what is typed; over the limit it says by how much (the
 * server refuses it with a message; nothing is cut). The count is UTF-16 code units, as the schemas' max.
 */
export function LengthLimit({ id, limit, length }: { id: string; limit: number; length: number }) {
  const over = length - limit;
  return (
    <p id={`${id}-limit`} className={over > 0 ? "field-limit field-limit-over" : "field-limit"} data-testid={`${id}-limit`}>
      不超过 {limit} 字（已输入 {length} 字{over > 0 ? `，超出 ${over} 字，请精简` : ""}）
    </p>
  );
}

/** The live length of an uncontrolled field, for `LengthLimit`. */
function useLength(initial: string) {
  const [length, setLength] = useState(initial.length);
  return { length, onInput: (e: { currentTarget: { value: string } }) => setLength(e.currentTarget.value.length) };
}

function describedBy(id: string, error: string | undefined, limit: number | undefined): string | undefined {
  const ids = [error ? `${id}-error` : "", limit ? `${id}-limit` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A labelled input whose Chinese error sits right under it and whose refused value is kept. */
export function TextField({ name, label, feedback, defaultValue, type = "text", required, hint, idPrefix = "f", children, maxLength, ...rest }: FieldProps) {
  const error = firstError(feedback, name);
  const id = `${idPrefix}-${name}`;
  const kept = type === "password" ? undefined : feedback?.values?.[name];
  const initial = String(kept ?? defaultValue ?? "");
  const { length, onInput } = useLength(initial);
  return (
    <div className="field">
      <FieldLabel id={id} label={label} required={required} />
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={initial}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, maxLength)}
        onInput={maxLength ? onInput : undefined}
        {...rest}
      />
      {children}
      {maxLength ? <LengthLimit id={id} limit={maxLength} length={length} /> : null}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldErrorText id={id} error={error} />
    </div>
  );
}

interface TextAreaFieldProps {
  name: string;
  label: string;
  feedback?: FormFeedback;
  defaultValue?: string | null;
  required?: boolean;
  rows?: number;
  /** The limit the server enforces, shown with a live count (never a maxlength that cuts silently). */
  maxLength?: number;
  hint?: ReactNode;
  /** The field's id is `${idPrefix}-${name}`; set it when the same name appears in several forms on a page. */
  idPrefix?: string;
}

/** A labelled textarea with its Chinese error underneath and the refused value kept. */
export function TextAreaField({ name, label, feedback, defaultValue, required, rows = 3, maxLength, hint, idPrefix = "f" }: TextAreaFieldProps) {
  const error = firstError(feedback, name);
  const id = `${idPrefix}-${name}`;
  const initial = feedback?.values?.[name] ?? defaultValue ?? "";
  const { length, onInput } = useLength(initial);
  return (
    <div className="field">
      <FieldLabel id={id} label={label} required={required} />
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={initial}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, maxLength)}
        onInput={maxLength ? onInput : undefined}
      />
      {maxLength ? <LengthLimit id={id} limit={maxLength} length={length} /> : null}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldErrorText id={id} error={error} />
    </div>
  );
}

interface SelectFieldProps {
  name: string;
  label: string;
  options: { value: string | number; label: string }[];
  feedback?: FormFeedback;
  defaultValue?: string | number | null;
  required?: boolean;
  emptyLabel?: string;
  hint?: ReactNode;
  /** The field's id is `${idPrefix}-${name}`; set it when the same name appears in several forms on a page. */
  idPrefix?: string;
}

export function SelectField({ name, label, options, feedback, defaultValue, required, emptyLabel, hint, idPrefix = "f" }: SelectFieldProps) {
  const error = firstError(feedback, name);
  const id = `${idPrefix}-${name}`;
  const kept = feedback?.values?.[name];
  return (
    <div className="field">
      <FieldLabel id={id} label={label} required={required} />
      <select
        id={id}
        name={name}
        defaultValue={kept ?? (defaultValue == null ? "" : String(defaultValue))}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldErrorText id={id} error={error} />
    </div>
  );
}

/**
 * The ticked values of a group of checkboxes: as posted when the form was refused (none ticked posts nothing,
 * so the field is absent from the kept values), otherwise the given defaults. Values are compared as strings.
 */
export function chosenValues(feedback: FormFeedback | undefined, name: string, defaults: Iterable<string | number>): Set<string> {
  if (feedback?.values) return new Set((feedback.values[name] ?? "").split("\n").filter(Boolean));
  return new Set(Array.from(defaults, String));
}

/** A group of checkboxes under one legend, with the group's Chinese error (id `${idPrefix}-${name}-error`) underneath. */
export function CheckboxGroup({
  name,
  legend,
  feedback,
  className,
  idPrefix = "f",
  children,
}: {
  name: string;
  legend: string;
  feedback?: FormFeedback;
  /** Added after "field". */
  className?: string;
  idPrefix?: string;
  children: ReactNode;
}) {
  const error = firstError(feedback, name);
  const id = `${idPrefix}-${name}`;
  return (
    <fieldset className={className ? `field ${className}` : "field"} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="field-label">{legend}</legend>
      {children}
      <FieldErrorText id={id} error={error} />
    </fieldset>
  );
}

/** Previous/next links that keep the current filters in the query string. */
export function Pagination({
  page,
  pageSize,
  total,
  search,
  param = "page",
  label = "分页",
}: {
  page: number;
  pageSize: number;
  total: number;
  search: string;
  /** the query parameter holding the page number (pages with two paged lists use two) */
  param?: string;
  label?: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) => {
    const params = new URLSearchParams(search);
    params.set(param, String(p));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pagination" aria-label={label}>
      <span>
        共 {total} 条，第 {page} / {pages} 页
      </span>
      {page > 1 ? <a href={link(page - 1)}>上一页</a> : null}
      {page < pages ? <a href={link(page + 1)}>下一页</a> : null}
    </nav>
  );
}
