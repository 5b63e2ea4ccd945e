import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { filesFromForm } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { FormError, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { calendarYears, holidaySheetLines, loadHolidayYear } from "~/calendar/calendar.server";
import { CALENDAR_KIND_LABELS } from "~/calendar/labels";
import { getDb } from "~/db.server";
import { HolidayFormSchema } from "~/documents/forms.server";
import { requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 节假日安排: the administrator loads a year's holidays and 调休 working days from the State Council's notice
 * (《国务院办公厅关于YYYY年部分节假日安排的通知》), typed as lines or uploaded as an Excel sheet (日期 | 类型 | 名称).
 * Loading a year replaces its previous arrangement; deadlines in 工作日 are counted from it.
 */
export const meta: MetaFunction = () => [{ title: "节假日安排 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:documents");
  return { years: await calendarYears(getDb()), thisYear: Number(todayInShanghai().slice(0, 4)) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:documents");
  const form = await readFormData(request, 1024 * 1024 + 64 * 1024);
  const parsed = parseForm(form, HolidayFormSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  let text = parsed.data.text;
  const files = filesFromForm(form, "sheet");
  if (files.length) {
    const sheet = await holidaySheetLines(Buffer.from(await files[0].arrayBuffer()));
    if (!sheet.ok) return data({ fieldErrors: { sheet: [sheet.message] }, values: parsed.values }, { status: 400 });
    text = sheet.text;
  }
  if (!text.trim()) return data({ fieldErrors: { text: ["请填写节假日安排，或上传 Excel 文件"] }, values: parsed.values }, { status: 400 });
  const r = await loadHolidayYear(getDb(), actorOf(user, context), { year: parsed.data.year, text, source: parsed.data.source });
  if (!r.ok) return data({ fieldErrors: { [r.field]: [r.message] }, values: { ...parsed.values, text } }, { status: 400 });
  return redirectWithToast("/admin/calendar", `已载入 ${parsed.data.year} 年节假日安排：放假 ${r.holidays} 天，调休上班 ${r.workdays} 天`);
}

export default function CalendarAdminPage() {
  const { years, thisYear } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>() as FormFeedback | undefined;
  const busy = useNavigation().state === "submitting";
  const sheetError = feedback?.fieldErrors?.sheet?.[0];
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>节假日安排</h1>
          <p className="muted">
            按国务院办公厅每年发布的部分节假日安排通知载入放假日期和调休上班日期；以“工作日”设定的期限据此计算。另见 <Link to="/admin/letters">公文模板</Link>。
          </p>
        </div>
      </div>
      <div className="card" data-testid="holiday-form">
        <h2>载入一年的安排</h2>
        <Form method="post" encType="multipart/form-data" noValidate>
          <FormError feedback={feedback} />
          <TextField name="year" label="年份" type="number" feedback={feedback} defaultValue={thisYear + 1} required />
          <TextField name="source" label="依据（可选）" feedback={feedback} maxLength={200} hint="如：国办发明电〔2020〕27号" />
          <TextAreaField
            name="text"
            label="安排（每行一条：日期或日期范围、类型、名称）"
            feedback={feedback}
            rows={10}
            maxLength={20000}
            hint="类型填“休”（放假）或“班”（调休上班），如：2021-02-11至2021-02-17 休 春节；2021-02-20 班 春节"
          />
          <div className="field">
            <label className="field-label" htmlFor="holiday-sheet">
              或上传 Excel 文件（.xlsx，三列：日期、类型、名称，第 1 行为表头）
            </label>
            <input id="holiday-sheet" type="file" name="sheet" accept=".xlsx" aria-invalid={sheetError ? true : undefined} aria-describedby={sheetError ? "holiday-sheet-error" : undefined} />
            {sheetError ? (
              <p className="field-error" id="holiday-sheet-error" role="alert">
                {sheetError}
              </p>
            ) : null}
          </div>
          <p className="muted">载入后替换该年原有的安排，并记入审计日志。</p>
          <button type="submit" disabled={busy}>
            载入
          </button>
        </Form>
      </div>
      <h2>已载入的年份</h2>
      {years.length === 0 ? <p className="muted">尚未载入。未载入的年份不能按工作日计算期限。</p> : null}
      {years.map((y) => (
        <div className="card" key={y.year} data-testid={`calendar-year-${y.year}`}>
          <h3>
            {y.year} 年{y.source ? `（${y.source}）` : ""}
          </h3>
          <ul className="calendar-days">
            {y.days.map((d) => (
              <li key={d.date}>
                {formatDate(d.date)} {CALENDAR_KIND_LABELS[d.kind]} {d.name}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
