import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { FormError, TextAreaField } from "~/components/forms";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canCorrectRecord, notFound } from "~/policy.server";
import { isRecordOf, listVoided, voidableRecords, voidRecord, VOID_KINDS } from "~/history/void.server";
import { formatDateTime } from "~/utils/time";
import { readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/**
 * 已作废: what was voided in an inquiry (items, survey delegations, outline questions, exchanges), readable with
 * who voided it, when and why; and the form to void a delegation, an outline question or an exchange (items are
 * voided on their own page, the inquiry on its overview). Staff and admin only (policy canCorrectRecord).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `已作废 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, canCorrectRecord, "只有人大工作人员可以查阅和作废。");

const VoidSchema = z.object({
  target: z.string().regex(/^(delegation|question|segment):\d+$/, "请选择要作废的内容"),
  reason: z.string().default(""),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, voided: inquiry.voided_at !== null },
    voided: await listVoided(db, inquiry.id),
    choices: await voidableRecords(db, inquiry.id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const formData = await readFormData(request, 16 * 1024);
  const values = { target: String(formData.get("target") ?? ""), reason: String(formData.get("reason") ?? "") };
  const parsed = VoidSchema.safeParse(values);
  if (!parsed.success) return data({ fieldErrors: { target: [parsed.error.issues[0]?.message ?? "请选择要作废的内容"] }, values }, { status: 400 });
  const [kind, rawId] = parsed.data.target.split(":") as ["delegation" | "question" | "segment", string];
  const id = idField().safeParse(rawId);
  if (!id.success) notFound("要作废的内容不存在");
  // the record must belong to this inquiry
  if (!(await isRecordOf(db, inquiry.id, kind, id.data))) notFound("要作废的内容不存在");
  const result = await voidRecord(db, actorOf(user, context), { kind, id: id.data, reason: parsed.data.reason });
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values }, { status: 400 });
  return redirectWithToast(`/inquiries/${inquiry.id}/voided`, `已作废${VOID_KINDS[kind].label}`);
}

export default function VoidedPage() {
  const { inquiry, voided, choices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const targetError = result?.fieldErrors && "target" in result.fieldErrors ? result.fieldErrors.target?.[0] : undefined;
  return (
    <section className="rs-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › 已作废
          </p>
          <h1>已作废的内容</h1>
        </div>
      </div>
      <p className="muted">作废的内容不再出现在列表、统计、检索、导出和公开页面中；这里保留原貌和作废理由，操作日志中另有完整记录。不会删除任何内容。</p>
      {voided.length === 0 ? (
        <p className="muted" data-testid="voided-empty">本专题询问中没有作废的内容。</p>
      ) : (
        <table className="data" data-testid="voided-list">
          <thead>
            <tr>
              <th style={{ width: "8em" }}>类别</th>
              <th>内容</th>
              <th>作废理由</th>
              <th style={{ width: "14em" }}>作废</th>
            </tr>
          </thead>
          <tbody>
            {voided.map((v) => (
              <tr key={`${v.kind}-${v.id}`}>
                <td>{v.label}</td>
                <td>{v.kind === "item" ? <Link to={`/rectification/${v.id}`}>{v.title}</Link> : v.title}</td>
                <td className="rs-pre">{v.reason}</td>
                <td>
                  {formatDateTime(v.voidedAt)}
                  <div className="muted rs-small">{v.voidedByName}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!inquiry.voided ? (
        <div className="card" data-testid="void-other">
          <h2 className="rs-card-title">作废委托调研、提纲问题或询问会发言</h2>
          <Form method="post" noValidate>
            <FormError feedback={result} />
            <div className="field">
              <label htmlFor="f-target" className="field-label">
                要作废的内容<span className="required">*</span>
              </label>
              <select id="f-target" name="target" defaultValue={result?.values?.target ?? ""} aria-invalid={targetError ? true : undefined}>
                <option value="">请选择</option>
                {choices.map((c) => (
                  <option key={`${c.kind}:${c.id}`} value={`${c.kind}:${c.id}`}>
                    {VOID_KINDS[c.kind].label}：{c.title}
                  </option>
                ))}
              </select>
              {targetError ? <p className="field-error">{targetError}</p> : null}
            </div>
            <TextAreaField name="reason" label="作废理由" feedback={result} defaultValue={result?.values?.reason} required rows={2} maxLength={500} />
            <button type="submit" className="danger" disabled={busy}>作废</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}
