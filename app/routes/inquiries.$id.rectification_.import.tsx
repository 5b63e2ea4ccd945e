import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { SheetRowTable } from "~/components/SheetRows";
import { data, redirect } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { filesFromForm } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canManageRectification } from "~/policy.server";
import { IMPORT_COLUMNS, MAX_IMPORT_ROWS } from "~/rectification/labels";
import { checkImportSheet, MAX_IMPORT_BYTES } from "~/rectification/excel.server";
import { departmentOptions } from "~/rectification/items.server";
import { importItems } from "~/rectification/ledger.server";
import { readFormData } from "~/utils/forms.server";
import { dateContext } from "~/history/dates.server";

/**
 * 批量导入: staff upload an Excel sheet filled from the template. Every bad row is listed with its row number
 * and reason and nothing is imported until the sheet is clean; a clean sheet is imported in one go and the
 * result summary is shown.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `批量导入整改事项 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canManageRectification, "只有人大工作人员可以导入整改事项。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { inquiry } = await load(request, params);
  const url = new URL(request.url);
  const count = Number(url.searchParams.get("imported"));
  const first = Number(url.searchParams.get("first"));
  const last = Number(url.searchParams.get("last"));
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, closed: inquiry.stage === "closed" },
    done: Number.isInteger(count) && count > 0 ? { count, first, last } : null,
  };
}

type Imported = { count: number; numbers: number[]; skipped: { row: number; message: string }[] } | null;
const NONE: Imported = null;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const formData = await readFormData(request, MAX_IMPORT_BYTES + 64 * 1024);
  const files = filesFromForm(formData, "sheet");
  if (files.length !== 1) return data({ fileName: "", errors: [{ row: 0, message: "请选择一个要导入的 Excel 文件" }], imported: NONE }, { status: 400 });
  const file = files[0];
  const departments = await departmentOptions(db);
  const checked = await checkImportSheet(Buffer.from(await file.arrayBuffer()), departments, await dateContext(db, inquiry.id));
  if (!checked.ok) return data({ fileName: file.name, errors: checked.errors, imported: NONE }, { status: 400 });
  const result = await importItems(db, actorOf(user, context), inquiry.id, checked.rows);
  if (!result.ok) return data({ fileName: file.name, errors: result.errors, imported: NONE }, { status: 400 });
  // rows already in the ledger are named one by one (nothing was created for them)
  if (result.skipped.length > 0) return data({ fileName: file.name, errors: [], imported: { count: result.count, numbers: result.numbers, skipped: result.skipped } as Imported });
  return redirect(`/inquiries/${inquiry.id}/rectification/import?imported=${result.count}&first=${result.numbers[0]}&last=${result.numbers[result.numbers.length - 1]}`);
}

export default function ImportPage() {
  const { inquiry, done } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <section className="rs-page rect-page">
      <InquiryNav inquiry={inquiry} tab="rectification" trail={[{ label: "批量导入" }]} />
      <div className="page-head">
        <div>
          <h1>批量导入整改事项</h1>
        </div>
      </div>

      {done ? (
        <div className="card rect-import-done" role="status" data-testid="import-summary">
          <h2 className="rs-card-title">导入完成</h2>
          <p>
            已导入 <strong>{done.count}</strong> 项整改事项（序号 #{done.first}
            {done.last !== done.first ? `–#${done.last}` : ""}），状态均为“待整改”。
          </p>
          <p>
            <Link to={`/inquiries/${inquiry.id}/rectification`}>查看整改台账</Link>
          </p>
        </div>
      ) : null}

      {result?.imported ? (
        <div className="card rect-import-done" role="status" data-testid="import-summary">
          <h2 className="rs-card-title">导入完成</h2>
          <p>
            {result.imported.count > 0 ? (
              <>
                已导入 <strong>{result.imported.count}</strong> 项整改事项（序号 #{result.imported.numbers[0]}
                {result.imported.count > 1 ? `–#${result.imported.numbers[result.imported.numbers.length - 1]}` : ""}），状态均为“待整改”。
              </>
            ) : (
              <>未导入新的事项：表格中的事项都已在整改台账中。</>
            )}
          </p>
          <table className="data" data-testid="import-skipped">
            <thead>
              <tr>
                <th style={{ width: "6em" }}>行号</th>
                <th>未重复导入的原因</th>
              </tr>
            </thead>
            <tbody>
              {result.imported.skipped.map((e) => (
                <tr key={e.row}>
                  <td>第 {e.row} 行</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Link to={`/inquiries/${inquiry.id}/rectification`}>查看整改台账</Link>
          </p>
        </div>
      ) : null}

      {result?.errors?.length ? (
        <div className="card rect-import-errors" role="alert" data-testid="import-errors">
          <h2 className="rs-card-title">表格有误，未导入任何事项</h2>
          <p className="rs-small">{result.fileName ? `「${result.fileName}」` : ""}中以下内容需要修改，修改后请重新上传：</p>
          <SheetRowTable rows={result.errors} />
        </div>
      ) : null}

      <div className="card">
        <h2 className="rs-card-title">上传 Excel 表格</h2>
        <ol className="rs-small">
          <li>
            <a href={`/inquiries/${inquiry.id}/rectification/template.xlsx`} download>下载导入模板</a>，在“整改事项”表中每行填写一项：{IMPORT_COLUMNS.join("、")}。
          </li>
          <li>牵头单位、配合单位须与模板“单位名称”表中的名称一致；多个配合单位用顿号分隔；整改时限不能早于今天（补录的专题询问：不能早于询问会日期）；已在整改台账中的事项（相同问题、牵头单位和整改时限）不会重复导入。</li>
          <li>系统先检查全部行：任何一行有误，都会列出行号和原因，全部不导入；检查无误后一次导入。每次最多 {MAX_IMPORT_ROWS} 项。</li>
        </ol>
        <Form method="post" encType="multipart/form-data" noValidate>
          <div className="field">
            <label htmlFor="f-sheet" className="field-label">
              Excel 文件（.xlsx）<span className="required">*</span>
            </label>
            <input id="f-sheet" type="file" name="sheet" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
            <p className="field-hint">不超过 2 MB</p>
          </div>
          <button type="submit" disabled={busy || inquiry.closed}>{busy ? "正在检查并导入，请稍候…" : "检查并导入"}</button>
          {busy ? <p className="muted rs-small" role="status">正在逐行检查表格，检查无误后一次导入。</p> : null}
        </Form>
      </div>
    </section>
  );
}
