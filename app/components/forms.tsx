import type { ReactNode } from "react";

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
  maxLength?: number;
  placeholder?: string;
}

/** A labelled input whose Chinese error sits right under it and whose refused value is kept. */
export function TextField({ name, label, feedback, defaultValue, type = "text", required, hint, ...rest }: FieldProps) {
  const error = firstError(feedback, name);
  const id = `f-${name}`;
  const kept = type === "password" ? undefined : feedback?.values?.[name];
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
        {required ? <span className="required">*</span> : null}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={kept ?? defaultValue ?? ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
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
}

export function SelectField({ name, label, options, feedback, defaultValue, required, emptyLabel, hint }: SelectFieldProps) {
  const error = firstError(feedback, name);
  const id = `f-${name}`;
  const kept = feedback?.values?.[name];
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
        {required ? <span className="required">*</span> : null}
      </label>
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
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Previous/next links that keep the current filters in the query string. */
export function Pagination({ page, pageSize, total, search }: { page: number; pageSize: number; total: number; search: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const link = (p: number) => {
    const params = new URLSearchParams(search);
    params.set("page", String(p));
    return `?${params.toString()}`;
  };
  return (
    <nav className="pagination" aria-label="分页">
      <span>
        共 {total} 条，第 {page} / {pages} 页
      </span>
      {page > 1 ? <a href={link(page - 1)}>上一页</a> : null}
      {page < pages ? <a href={link(page + 1)}>下一页</a> : null}
    </nav>
  );
}
