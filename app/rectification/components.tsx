import { percentOf } from "~/utils/percent";
import type { ItemStatus } from "../../db/schema";
import { DeadlineBadge } from "~/components/attachments";
import { CheckboxGroup, chosenValues, firstError, type FormFeedback } from "~/components/forms";
import type { Light } from "~/utils/deadline";
import type { DayUnit } from "~/utils/deadline";
import { ITEM_STATUS_CLASS, ITEM_STATUS_LABELS } from "./labels";

/** Small UI pieces shared by the rectification pages (browser-safe: no server imports). */

export function ItemStatusBadge({ status }: { status: ItemStatus }) {
  return (
    <span className={`badge ${ITEM_STATUS_CLASS[status]}`} data-status={status}>
      {ITEM_STATUS_LABELS[status]}
    </span>
  );
}

/** The deadline light of an open item; closed and carried-over items have none (their status says it). */
export function ItemLightBadge({ light, daysLeft, dayUnit }: { light: Light; daysLeft: number; dayUnit?: DayUnit }) {
  return light === "done" ? <span className="muted" data-light="done">—</span> : <DeadlineBadge light={light} daysLeft={daysLeft} unit={dayUnit} />;
}

/** Co-departments (配合单位) as checkboxes. */
export function DepartmentChoices({
  name = "coDepartmentIds",
  label = "配合单位",
  departments,
  chosen,
  feedback,
}: {
  name?: string;
  label?: string;
  departments: { id: number; name: string }[];
  chosen: number[];
  feedback?: FormFeedback;
}) {
  const kept = chosenValues(feedback, name, chosen);
  return (
    <CheckboxGroup name={name} legend={label} feedback={feedback} className="rect-departments">
      <div className="rs-checkboxes">
        {departments.map((d) => (
          <label key={d.id}>
            <input type="checkbox" name={name} value={d.id} defaultChecked={kept.has(String(d.id))} /> {d.name}
          </label>
        ))}
      </div>
    </CheckboxGroup>
  );
}

/** Closed / total as a bar with words (readable in print). */
export function ProgressBar({ closed, total, carriedOver }: { closed: number; total: number; carriedOver: number }) {
  const pct = percentOf(closed, total);
  const carriedPct = percentOf(carriedOver, total);
  return (
    <div className="rect-progress" data-testid="rect-progress">
      <div
        className="rect-progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={closed}
        aria-label="整改进度（已销号 / 总数）"
      >
        <span className="rect-progress-closed" style={{ width: `${pct}%` }} />
        <span className="rect-progress-carried" style={{ width: `${carriedPct}%` }} />
      </div>
      <p className="rect-progress-text">
        已销号 <strong>{closed}</strong> / {total} 项（{pct}%）{carriedOver ? `，结转 ${carriedOver} 项` : ""}
      </p>
    </div>
  );
}

/**
 * 整改时限: a date, or N 工作日 from today (counted on the server from the administrator's holiday table,
 * app/calendar/calendar.server.ts). Both inputs are in the form; the radio says which one counts.
 */
export function DeadlineFields({ feedback, defaultDeadline }: { feedback?: FormFeedback; defaultDeadline: string }) {
  const mode = feedback?.values?.deadlineMode === "workdays" ? "workdays" : "date";
  const dateError = firstError(feedback, "deadline");
  const daysError = firstError(feedback, "deadlineWorkdays");
  return (
    <fieldset className="field deadline-fields">
      <legend className="field-label">整改时限</legend>
      <label>
        <input type="radio" name="deadlineMode" value="date" defaultChecked={mode === "date"} /> 按日期：
      </label>{" "}
      <input
        type="date"
        name="deadline"
        aria-label="整改时限"
        defaultValue={feedback?.values?.deadline ?? defaultDeadline}
        aria-invalid={dateError ? true : undefined}
        aria-describedby={dateError ? "deadline-error" : undefined}
      />
      {dateError ? (
        <p className="field-error" id="deadline-error" role="alert">
          {dateError}
        </p>
      ) : null}
      <br />
      <label>
        <input type="radio" name="deadlineMode" value="workdays" defaultChecked={mode === "workdays"} /> 或自今日起
      </label>{" "}
      <input
        type="number"
        name="deadlineWorkdays"
        min={1}
        max={366}
        inputMode="numeric"
        aria-label="工作日数"
        style={{ width: "6em" }}
        defaultValue={feedback?.values?.deadlineWorkdays ?? ""}
        aria-invalid={daysError ? true : undefined}
        aria-describedby={daysError ? "deadline-workdays-error" : undefined}
      />{" "}
      个工作日
      {daysError ? (
        <p className="field-error" id="deadline-workdays-error" role="alert">
          {daysError}
        </p>
      ) : null}
      <p className="hint muted">日期按自然日计；工作日按系统管理员载入的国务院办公厅节假日安排（含调休）计算。时限须经延期审批方可变更。</p>
    </fieldset>
  );
}
