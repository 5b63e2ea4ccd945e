import { Form } from "@remix-run/react";

export interface ChronicleRow {
  date: string;
  text: string;
  source: string;
}

/**
 * The chronicle, editable before export (issue 21): each entry's date and text, kept or left out, and empty rows
 * to add events not recorded in Xunwen (e.g. a 暗访 by the city's leaders). Posting exports it to Word.
 */
export function ChronicleForm({ action, title, subtitle, rows }: { action: string; title: string; subtitle: string; rows: ChronicleRow[] }) {
  const all = [...rows, ...Array.from({ length: 3 }, () => ({ date: "", text: "", source: "" }))];
  return (
    <Form method="post" action={action} reloadDocument noValidate data-testid="chronicle-form">
      <div className="rs-row">
        <div className="field">
          <label htmlFor="f-title" className="field-label">标题<span className="required">*</span></label>
          <input id="f-title" name="title" defaultValue={title} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="f-subtitle" className="field-label">副标题</label>
          <input id="f-subtitle" name="subtitle" defaultValue={subtitle} maxLength={200} />
        </div>
      </div>
      <table className="data rs-table" data-testid="chronicle-entries">
        <thead>
          <tr>
            <th style={{ width: "4em" }}>保留</th>
            <th style={{ width: "11em" }}>日期</th>
            <th>内容</th>
          </tr>
        </thead>
        <tbody>
          {all.map((r, i) => (
            <tr key={i} data-testid="chronicle-entry">
              <td>
                <input type="checkbox" name={`include-${i}`} value="1" defaultChecked={!!r.text || !r.source} aria-label={`保留第 ${i + 1} 条`} />
              </td>
              <td>
                <input type="date" name={`date-${i}`} defaultValue={r.date} aria-label={`第 ${i + 1} 条日期`} />
              </td>
              <td>
                <textarea name={`text-${i}`} rows={2} defaultValue={r.text} aria-label={`第 ${i + 1} 条内容`} placeholder={r.source ? "" : "可补充未在系统中记录的事件"} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="rs-actions">
        <button type="submit">导出 Word</button>
      </p>
    </Form>
  );
}
