import { Form, useNavigation } from "@remix-run/react";
import { SheetRowTable } from "~/components/SheetRows";
import { InitialPasswords } from "./InitialPasswords";

/** The import card of one setup kind: template, export, upload; the refused rows or the result. Browser-safe. */
export type SetupImportOutcome =
  | { kind: string; ok: true; created: number; skipped: { row: number; message: string }[]; passwords: { username: string; displayName: string; password: string }[] }
  | { kind: string; ok: false; fileName: string; errors: { row: number; message: string }[] };

export function SetupImportCard({
  kind,
  title,
  columns,
  notes,
  outcome,
}: {
  kind: "organizations" | "accounts" | "roster";
  title: string;
  columns: readonly string[];
  notes: string[];
  outcome: SetupImportOutcome | undefined;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("kind") === kind;
  const mine = outcome?.kind === kind ? outcome : undefined;
  return (
    <div className="card" data-testid={`setup-import-${kind}`}>
      <h2 className="rs-card-title">批量导入{title}</h2>
      <ol className="rs-small">
        <li>
          <a href={`/setup/templates/${kind}.xlsx`} download>下载导入模板</a>，每行填写：{columns.join("、")}。
        </li>
        {notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
        <li>系统先检查全部行：任何一行有误，都会列出行号和原因，全部不导入；已在系统中的相同内容自动跳过，不会重复创建。</li>
      </ol>
      <p className="rs-small">
        <a href={`/setup/export/${kind}.xlsx`} download>导出现有{title}（Excel）</a>
      </p>
      {mine && !mine.ok ? (
        <div className="rect-import-errors" role="alert" data-testid={`setup-errors-${kind}`}>
          <p className="form-error">表格有误，未导入任何内容{mine.fileName ? `（「${mine.fileName}」）` : ""}，请修改以下各行后重新上传：</p>
          <SheetRowTable rows={mine.errors} />
        </div>
      ) : null}
      {mine && mine.ok ? (
        <div role="status" data-testid={`setup-done-${kind}`}>
          <p>
            已导入 <strong>{mine.created}</strong> 条{mine.skipped.length ? `，跳过 ${mine.skipped.length} 条已有内容` : ""}。
          </p>
          {mine.skipped.length ? (
            <ul className="rs-small muted">
              {mine.skipped.map((s) => (
                <li key={s.row}>
                  第 {s.row} 行：{s.message}
                </li>
              ))}
            </ul>
          ) : null}
          <InitialPasswords rows={mine.passwords} />
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" noValidate>
        <input type="hidden" name="intent" value="import" />
        <input type="hidden" name="kind" value={kind} />
        <div className="field">
          <label htmlFor={`f-sheet-${kind}`} className="field-label">
            {title} Excel 文件（.xlsx）<span className="required">*</span>
          </label>
          <input id={`f-sheet-${kind}`} type="file" name="sheet" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
          <p className="field-hint">不超过 2 MB</p>
        </div>
        <button type="submit" disabled={busy}>{busy ? "正在检查并导入，请稍候…" : `检查并导入${title}`}</button>
      </Form>
    </div>
  );
}
