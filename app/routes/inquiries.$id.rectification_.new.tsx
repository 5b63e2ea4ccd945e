import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canManageRectification } from "~/policy.server";
import { DeadlineFields, DepartmentChoices } from "~/rectification/components";
import { SOURCE_LABELS } from "~/rectification/labels";
import { addDays } from "~/utils/time";
import { createItem, departmentOptions, sourceChoices } from "~/rectification/items.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { ItemCreateSchema } from "~/rectification/forms.server";
import { todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 新增整改事项: staff turn an exchange of the meeting record (or a research finding) into an item in one step —
 * the form comes prefilled with the question as the problem and the responding department as lead — or
 * enter one by hand. The exchanges already turned into items show "已转整改事项 #n".
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `新增整改事项 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const SourceSchema = z.string().regex(/^(exchange|finding):\d+$/);

function parseSource(value: string | null): { type: "exchange" | "finding"; id: number } | null {
  const parsed = SourceSchema.safeParse(value ?? "");
  if (!parsed.success) return null;
  const [type, id] = parsed.data.split(":");
  return { type: type as "exchange" | "finding", id: Number(id) };
}

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canManageRectification, "只有人大工作人员可以交办整改事项。");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const sources = await sourceChoices(db, inquiry.id);
  const from = parseSource(new URL(request.url).searchParams.get("from"));
  let prefill: { source: string; sourceLabel: string; problem: string; leadDepartmentId: number | null } | null = null;
  if (from?.type === "exchange") {
    const ex = sources.exchanges.find((e) => e.id === from.id);
    if (ex)
      prefill = {
        source: `exchange:${ex.id}`,
        sourceLabel: `${ex.keyword ? `【${ex.keyword}】` : ""}${ex.questioner_role}${ex.questioner_name}询问${ex.department_name ? ` · ${ex.department_name}应询` : ""}`,
        problem: ex.question,
        leadDepartmentId: ex.department_id,
      };
  } else if (from?.type === "finding") {
    const f = sources.findings.find((x) => x.id === from.id);
    if (f) prefill = { source: `finding:${f.id}`, sourceLabel: `${f.activity_title ?? "调研"}：${f.text.slice(0, 40)}`, problem: f.text, leadDepartmentId: null };
  }
  const departments = await departmentOptions(db);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, closed: inquiry.stage === "closed" },
    departments: departments.map((d) => ({ id: d.id, name: d.name })),
    exchanges: sources.exchanges.map((e) => ({
      id: e.id,
      keyword: e.keyword,
      questioner: `${e.questioner_role}${e.questioner_name}`,
      department_name: e.department_name,
      question: e.question,
      items: e.items.map((i) => ({ id: i.item_id, number: i.number })),
    })),
    findings: sources.findings.map((f) => ({ id: f.id, text: f.text, activity_title: f.activity_title, items: f.items.map((i) => ({ id: i.item_id, number: i.number })) })),
    prefill,
    defaultDeadline: addDays(todayInShanghai(), 90),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const formData = await readFormData(request, 64 * 1024);
  const parsed = parseForm(formData, ItemCreateSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const source = parseSource(parsed.data.source ?? null);
  const result = await createItem(db, actorOf(user, context), inquiry.id, {
    problem: parsed.data.problem,
    requirement: parsed.data.requirement,
    leadDepartmentId: parsed.data.leadDepartmentId,
    coDepartmentIds: parsed.data.coDepartmentIds,
    deadline: parsed.data.deadline,
    deadlineWorkdays: parsed.data.deadlineWorkdays,
    sourceType: source?.type ?? "manual",
    sourceId: source?.id ?? null,
  });
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/rectification/${result.id}`, "整改事项已交办");
}

export default function NewItemPage() {
  const { inquiry, departments, exchanges, findings, prefill, defaultDeadline } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const feedback: FormFeedback | undefined = result;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const source = feedback?.values?.source ?? prefill?.source ?? "";
  return (
    <section className="rs-page rect-page">
      <InquiryNav inquiry={inquiry} tab="rectification" trail={[{ label: "新增整改事项" }]} />
      <div className="page-head">
        <div>
          <h1>新增整改事项</h1>
        </div>
      </div>
      {inquiry.closed ? <p className="inq-notice bad">该专题询问已办结，不能再交办整改事项。</p> : null}

      <div className="card" id="form">
        <h2 className="rs-card-title">{prefill ? "由来源转为整改事项" : "整改事项"}</h2>
        <Form method="post" noValidate key={source || "manual"}>
          <FormError feedback={feedback} />
          <input type="hidden" name="source" value={source} />
          <p className="rs-small" data-testid="source-label">
            来源：{prefill ? <strong>{SOURCE_LABELS[prefill.source.startsWith("exchange") ? "exchange" : "finding"]} · {prefill.sourceLabel}</strong> : SOURCE_LABELS.manual}
            {prefill ? <> （<Link to="?">改为直接录入</Link>）</> : null}
          </p>
          <TextAreaField name="problem" label="问题" feedback={feedback} defaultValue={prefill?.problem ?? ""} required rows={5} hint="可据询问内容提炼为需要整改的问题" maxLength={2000} />
          <TextAreaField name="requirement" label="整改要求" feedback={feedback} rows={3} hint="如：建立健全……机制，于……前完成" maxLength={2000} />
          <SelectField
            name="leadDepartmentId"
            label="牵头单位"
            options={departments.map((d) => ({ value: d.id, label: d.name }))}
            feedback={feedback}
            defaultValue={prefill?.leadDepartmentId ?? ""}
            emptyLabel="请选择"
            required
          />
          <DepartmentChoices departments={departments} chosen={[]} feedback={feedback} />
          <DeadlineFields feedback={feedback} defaultDeadline={defaultDeadline} />
          <button type="submit" disabled={busy || inquiry.closed}>{busy ? "正在交办…" : "交办整改事项"}</button>
        </Form>
      </div>

      <h2>询问会问答</h2>
      {exchanges.length === 0 ? (
        <p className="muted">询问会记录中尚无问答。</p>
      ) : (
        <table className="data rs-table" data-testid="exchange-sources">
          <thead>
            <tr>
              <th style={{ width: "9em" }}>关键词</th>
              <th>询问</th>
              <th style={{ width: "12em" }}>应询部门</th>
              <th style={{ width: "10em" }}>整改事项</th>
            </tr>
          </thead>
          <tbody>
            {exchanges.map((e) => (
              <tr key={e.id} data-testid={`exchange-${e.id}`}>
                <td>{e.keyword}</td>
                <td>
                  <div className="muted rs-small">{e.questioner}</div>
                  {e.question.length > 120 ? `${e.question.slice(0, 120)}…` : e.question}
                </td>
                <td>{e.department_name ?? "—"}</td>
                <td>
                  {e.items.map((i) => (
                    <div key={i.id} className="rs-small">
                      <Link to={`/rectification/${i.id}`}>已转为第 {i.number} 项整改事项</Link>
                    </div>
                  ))}
                  {!inquiry.closed ? <Link to={`?from=exchange:${e.id}#form`} aria-label={`将${e.questioner}的询问转为整改事项`}>转为整改事项</Link> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>调研问题线索</h2>
      {findings.length === 0 ? (
        <p className="muted">尚无调研问题线索。</p>
      ) : (
        <table className="data rs-table" data-testid="finding-sources">
          <thead>
            <tr>
              <th>问题线索</th>
              <th style={{ width: "14em" }}>调研活动</th>
              <th style={{ width: "10em" }}>整改事项</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <tr key={f.id}>
                <td>{f.text}</td>
                <td>{f.activity_title ?? "—"}</td>
                <td>
                  {f.items.map((i) => (
                    <div key={i.id} className="rs-small">
                      <Link to={`/rectification/${i.id}`}>已转为第 {i.number} 项整改事项</Link>
                    </div>
                  ))}
                  {!inquiry.closed ? <Link to={`?from=finding:${f.id}#form`}>转为整改事项</Link> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
