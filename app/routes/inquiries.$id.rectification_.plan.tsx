import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { filesFromForm } from "~/attachments/attachments.server";
import { actorOf } from "~/auth/session.server";
import { guessPlanTitle, importPlan, MAX_PLAN_CHARS, previewPlan, type PlanPreview } from "~/followup/action-plan.server";
import { planFileText } from "~/followup/docx-text.server";
import { planFormFrom, type PlanForm } from "~/followup/plan-form.server";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canManageRectification } from "~/policy.server";
import { addMonths } from "~/utils/time";
import { departmentOptions } from "~/rectification/items.server";
import { readFormData } from "~/utils/forms.server";
import { todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 从行动计划导入: staff paste or upload (.docx, .txt) a government action plan; Xunwen splits it into tasks by
 * its numbering and proposes each task's lead (first named) and co-units from its closing bracket; staff tick,
 * edit and import them as items in one step. Names no organisation answers to are listed once, to be mapped
 * to an organisation, created, or left out. Staff only (403 otherwise).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `从行动计划导入 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canManageRectification, "只有人大工作人员可以导入行动计划。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const departments = await departmentOptions(db);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, closed: inquiry.stage === "closed" },
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    defaultDeadline: addMonths(todayInShanghai(), 6),
  };
}

type Errors = { field: string; message: string }[];

function view(form: Pick<PlanForm, "title" | "text" | "fileName" | "deadline">, preview: PlanPreview | null, errors: Errors) {
  return {
    title: form.title,
    text: form.text,
    fileName: form.fileName,
    deadline: form.deadline,
    errors,
    preview: preview && {
      unknown: preview.unknown.map((u) => ({ ...u, tasks: preview.tasks.filter((t) => t.resolved.some((r) => r.name === u.name)).length })),
      tasks: preview.tasks.map((t) => ({
        index: t.index,
        label: t.label,
        paragraph: t.paragraph,
        edit: t.edit,
        lead: t.lead && { name: t.lead.name, orgName: t.lead.orgName, state: t.lead.state },
        co: t.co.map((u) => ({ name: u.name, orgName: u.orgName, state: u.state })),
        unresolved: t.resolved.filter((u) => u.state === "unknown").map((u) => u.name),
        ignored: t.resolved.filter((u) => u.state === "ignored").map((u) => u.name),
      })),
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const formData = await readFormData(request, MAX_UPLOAD_BYTES + MAX_PLAN_CHARS * 4 + 256 * 1024);
  const parsed = planFormFrom(formData);
  if (!parsed.ok) return data(view({ title: "", text: "", fileName: "", deadline: "" }, null, [parsed]), { status: 400 });
  const form = parsed.form;
  const file = filesFromForm(formData, "file")[0];
  if (file && file.size > 0) {
    if (file.size > MAX_UPLOAD_BYTES) return data(view(form, null, [{ field: "file", message: "文件不能超过 5 MB" }]), { status: 400 });
    const text = await planFileText(file.name, Buffer.from(await file.arrayBuffer()));
    if (text === null) return data(view(form, null, [{ field: "file", message: "无法读取该文件，请上传 .docx 或 .txt 文件，或直接粘贴正文" }]), { status: 400 });
    form.text = text;
    form.fileName = file.name;
    form.edits = null;
  }
  if (!form.text.trim()) return data(view(form, null, [{ field: "text", message: "请粘贴行动计划正文，或上传 .docx / .txt 文件" }]), { status: 400 });
  if (form.text.length > MAX_PLAN_CHARS) return data(view(form, null, [{ field: "text", message: `行动计划正文不能超过 ${MAX_PLAN_CHARS / 10000} 万字` }]), { status: 400 });
  if (!form.title) form.title = guessPlanTitle(form.text);
  if (!form.deadline) form.deadline = addMonths(todayInShanghai(), 6);

  if (form.intent === "import" && form.edits) {
    const result = await importPlan(db, actorOf(user, context), inquiry.id, { ...form, edits: form.edits });
    if (result.ok) {
      const made = result.created.length ? `，新建单位 ${result.created.length} 个` : "";
      return redirectWithToast(
        `/inquiries/${inquiry.id}/rectification`,
        `已从行动计划导入整改事项 ${result.count} 项（#${result.numbers[0]}–#${result.numbers[result.numbers.length - 1]}）${made}`,
      );
    }
    const preview = await previewPlan(db, form.text, form.edits, form.choices);
    return data(view(form, preview, result.errors), { status: 400 });
  }
  const preview = await previewPlan(db, form.text, form.edits ?? new Map(), form.choices);
  if (preview.tasks.length === 0) {
    return data(view(form, null, [{ field: "text", message: "未能识别出带有“（……负责）”的任务：请检查正文的编号（一、（一）1.）和每项任务末尾的责任单位括号" }]), { status: 400 });
  }
  return data(view(form, preview, []));
}

const STATE_LABELS: Record<string, string> = { matched: "", mapped: "（对应）", new: "（新建）" };

export default function PlanImportPage() {
  const { inquiry, departments, defaultDeadline } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errorFor = (field: string) => result?.errors.find((e) => e.field === field)?.message;
  const preview = result?.preview ?? null;
  const chosen = preview ? preview.tasks.filter((t) => t.edit.include).length : 0;
  // the fields are uncontrolled: a new answer from the server (re-check, refusal) remounts them with its values
  const stamp = preview ? String(hashCode(JSON.stringify([preview, result?.title, result?.deadline]))) : "";
  return (
    <section className="rs-page rect-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › <Link to={`/inquiries/${inquiry.id}/rectification`}>整改台账</Link> › 从行动计划导入
          </p>
          <h1>从行动计划导入整改事项</h1>
        </div>
      </div>
      {inquiry.closed ? <p className="inq-notice">该专题询问已办结，整改台账不能再变动。</p> : null}

      {result?.errors.length ? (
        <div className="card rect-import-errors" role="alert" data-testid="plan-errors">
          <h2 className="rs-card-title">{preview ? "以下内容需要处理，未导入任何事项" : "无法识别"}</h2>
          <ul>
            {result.errors.map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {!preview ? (
        <div className="card">
          <h2 className="rs-card-title">第一步：粘贴或上传行动计划</h2>
          <p className="rs-small muted">
            按正文编号（一、（一）1.（1））拆分任务；每项任务末尾括号中的单位（如“（市教育局、市财政局负责）”“（市扶贫办牵头，市财政局配合）”）为责任单位，第一个为牵头单位，其余为配合单位。
          </p>
          <Form method="post" encType="multipart/form-data" noValidate>
            <input type="hidden" name="intent" value="preview" />
            <div className="field">
              <label htmlFor="f-title" className="field-label">行动计划名称</label>
              <input id="f-title" name="title" defaultValue={result?.title ?? ""} maxLength={200} placeholder="不填则取正文中的标题" />
            </div>
            <div className="field">
              <label htmlFor="f-text" className="field-label">正文（粘贴）</label>
              <textarea id="f-text" name="text" rows={12} defaultValue={result?.text ?? ""} aria-invalid={errorFor("text") ? true : undefined} aria-describedby="f-text-error" />
              {errorFor("text") ? <p className="field-error" id="f-text-error">{errorFor("text")}</p> : null}
            </div>
            <div className="field">
              <label htmlFor="f-file" className="field-label">或上传文件（.docx、.txt）</label>
              <input id="f-file" type="file" name="file" accept=".docx,.txt,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain" aria-describedby="f-file-error" />
              {errorFor("file") ? <p className="field-error" id="f-file-error">{errorFor("file")}</p> : <p className="field-hint">不超过 5 MB；上传文件时以文件内容为准</p>}
            </div>
            <button type="submit" disabled={busy || inquiry.closed}>{busy ? "正在识别…" : "识别任务"}</button>
          </Form>
        </div>
      ) : (
        <Form method="post" noValidate data-testid="plan-confirm" key={stamp}>
          <input type="hidden" name="text" value={result!.text} />
          <input type="hidden" name="fileName" value={result!.fileName} />
          <div className="card">
            <h2 className="rs-card-title">第二步：核对并导入</h2>
            <p data-testid="plan-summary">
              从{result!.fileName ? `「${result!.fileName}」` : "正文"}中识别出 <strong>{preview.tasks.length}</strong> 项带责任单位的任务，已选 <strong>{chosen}</strong> 项。
            </p>
            <div className="rs-row">
              <div className="field">
                <label htmlFor="f-title" className="field-label">行动计划名称<span className="required">*</span></label>
                <input id="f-title" name="title" defaultValue={result!.title} maxLength={200} aria-describedby="f-title-error" />
                {errorFor("title") ? <p className="field-error" id="f-title-error">{errorFor("title")}</p> : null}
              </div>
              <div className="field">
                <label htmlFor="f-deadline" className="field-label">整改时限<span className="required">*</span></label>
                <input id="f-deadline" name="deadline" type="date" defaultValue={result!.deadline || defaultDeadline} aria-describedby="f-deadline-error" />
                {errorFor("deadline") ? <p className="field-error" id="f-deadline-error">{errorFor("deadline")}</p> : <p className="field-hint">各项任务未单独填写时限的，均用此时限</p>}
              </div>
            </div>
          </div>

          {preview.unknown.length ? (
            <div className="card" data-testid="plan-unknown">
              <h2 className="rs-card-title">未识别的单位（{preview.unknown.length} 个）</h2>
              <p className="rs-small muted">以下名称与组织机构名录不符。请选择对应的单位（以后导入将自动对应）、新建为政府部门，或不作为责任单位（如“各县市区党委政府”等泛指）。</p>
              <table className="data rs-table">
                <thead>
                  <tr>
                    <th>计划中的名称</th>
                    <th style={{ width: "6em" }}>涉及任务</th>
                    <th>处理</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.unknown.map((u, j) => (
                    <tr key={u.name}>
                      <td>
                        <label htmlFor={`f-choice-${j}`}>{u.name}</label>
                        <input type="hidden" name={`name-${j}`} value={u.name} />
                      </td>
                      <td>{u.tasks} 项</td>
                      <td>
                        <select id={`f-choice-${j}`} name={`choice-${j}`} defaultValue={u.choice === null ? "" : String(u.choice)}>
                          <option value="ignore">不作为责任单位</option>
                          <option value="new">新建为政府部门「{u.name}」</option>
                          <optgroup label="对应到已有单位">
                            {departments.map((d) => (
                              <option key={d.id} value={d.id}>{d.name}</option>
                            ))}
                          </optgroup>
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}

          <div className="card">
            <h2 className="rs-card-title">任务</h2>
            <table className="data rs-table plan-tasks">
              <thead>
                <tr>
                  <th style={{ width: "4em" }}>导入</th>
                  <th style={{ width: "8em" }}>编号</th>
                  <th>任务名称与原文</th>
                  <th>责任单位（第一个为牵头单位，顿号分隔）</th>
                  <th style={{ width: "10em" }}>时限（可选）</th>
                </tr>
              </thead>
              <tbody>
                {preview.tasks.map((t) => (
                  <tr key={t.index} data-testid="plan-task">
                    <td>
                      <input type="hidden" name="task" value={t.index} />
                      <input type="checkbox" name={`include-${t.index}`} value="1" defaultChecked={t.edit.include} aria-label={`导入任务 ${t.label}`} />
                    </td>
                    <td className="rs-nowrap">{t.label}</td>
                    <td>
                      <input name={`title-${t.index}`} defaultValue={t.edit.title} aria-label={`任务 ${t.label} 名称`} aria-describedby={`f-title-${t.index}-error`} />
                      {errorFor(`title-${t.index}`) ? <p className="field-error" id={`f-title-${t.index}-error`}>{errorFor(`title-${t.index}`)}</p> : null}
                      <details className="rs-brief">
                        <summary>原文</summary>
                        <p className="rs-pre rs-small">{t.paragraph}</p>
                      </details>
                    </td>
                    <td>
                      <textarea name={`units-${t.index}`} rows={2} defaultValue={t.edit.units} aria-label={`任务 ${t.label} 责任单位`} aria-describedby={`f-units-${t.index}-error`} />
                      <p className="rs-small" data-testid="plan-task-units">
                        {t.lead ? <>牵头：<strong>{t.lead.orgName}</strong>{STATE_LABELS[t.lead.state]}</> : <span className="field-error">无牵头单位</span>}
                        {t.co.length ? <>；配合：{t.co.map((u) => `${u.orgName}${STATE_LABELS[u.state]}`).join("、")}</> : null}
                        {t.ignored.length ? <span className="muted">；不作为单位：{t.ignored.join("、")}</span> : null}
                        {t.unresolved.length ? <span className="field-error">；未对应：{t.unresolved.join("、")}</span> : null}
                      </p>
                      {errorFor(`units-${t.index}`) ? <p className="field-error" id={`f-units-${t.index}-error`}>{errorFor(`units-${t.index}`)}</p> : null}
                    </td>
                    <td>
                      <input type="date" name={`deadline-${t.index}`} defaultValue={t.edit.deadline} aria-label={`任务 ${t.label} 时限`} />
                      {errorFor(`deadline-${t.index}`) ? <p className="field-error">{errorFor(`deadline-${t.index}`)}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="rs-actions">
              <button type="submit" name="intent" value="import" disabled={busy || inquiry.closed}>{busy ? "正在导入…" : "确认导入"}</button>{" "}
              <button type="submit" name="intent" value="preview" className="secondary" disabled={busy}>按修改重新识别</button>{" "}
              <Link to={`/inquiries/${inquiry.id}/rectification/plan`} reloadDocument>重新粘贴或上传</Link>
            </p>
          </div>
        </Form>
      )}
    </section>
  );
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
