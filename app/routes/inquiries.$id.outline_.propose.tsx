import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf, requireUser } from "~/auth/session.server";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import type { OutlineFeedback } from "~/outline/components";
import { PROPOSAL_STATUS_LABELS, type ProposalStatus } from "~/outline/labels";
import { createProposal, memberProposals, proposalsOpen } from "~/outline/proposals.server";
import { departmentOptions, getOutlineHead, keywordNames } from "~/outline/drafting.server";
import { ProposalFormSchema } from "~/outline/forms.server";
import { canProposeQuestion, forbidden, notFound } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/** A member or deputy proposes a question for an inquiry's outline and follows what became of it. */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `提出问题建议 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();

async function load(request: Request, params: { id?: string }) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.id);
  if (!canProposeQuestion(user, id.data ?? 0)) forbidden("问题建议由委员、代表提出；人大工作人员请直接在询问提纲中添加问题。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const head = await getOutlineHead(db, id.data);
  if (!head) notFound("该专题询问不存在");
  return { user, db, head };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, head } = await load(request, params);
  const keywords = (await keywordNames(db, head.id)).map((keyword) => ({ keyword }));
  return {
    inquiry: { id: head.id, title: head.title },
    open: proposalsOpen(head.outline_status),
    departments: await departmentOptions(db, head.id),
    keywords: keywords.map((k) => k.keyword),
    proposals: await memberProposals(db, user.id, head.id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, head } = await load(request, params);
  const formData = await readFormData(request);
  const parsed = parseForm(formData, ProposalFormSchema);
  if (!parsed.ok) return data({ intent: "propose", fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const r = await createProposal(db, actorOf(user, context), { inquiryId: head.id, memberId: user.id, ...parsed.data });
  if (!r.ok) return data({ intent: "propose", fieldErrors: { [r.field]: [r.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/inquiries/${head.id}/outline/propose`, "问题建议已提交，人大工作人员研究后会告知处理结果");
}

const STATUS_CLASS: Record<ProposalStatus, string> = { pending: "warn", accepted: "ok", declined: "off" };

export default function ProposePage() {
  const d = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>() as OutlineFeedback | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="ol-page">
      <InquiryNav inquiry={d.inquiry} tab="outline" trail={[{ label: "提出问题建议" }]} />
      <div className="page-head">
        <div>
          <h1>提出问题建议</h1>
        </div>
        <Link to={`/inquiries/${d.inquiry.id}/outline`}>查看询问提纲 →</Link>
      </div>
      {d.open ? (
        <div className="card">
          <p className="muted ol-small">您的建议将交由人大工作人员研究，采纳后列入询问提纲，并由您作为询问人；未采纳的会说明理由。</p>
          <Form method="post" noValidate key={d.proposals.length}>
            <FormError feedback={feedback} />
            <TextAreaField name="text" label="建议询问的问题" required rows={4} maxLength={1000} feedback={feedback} />
            <div className="ol-row">
              <TextField name="keyword" label="建议关键词" maxLength={40} feedback={feedback} list="ol-keywords" hint="可选已有关键词，也可填写新的" />
              <datalist id="ol-keywords">
                {d.keywords.map((k) => (
                  <option key={k} value={k} />
                ))}
              </datalist>
              <SelectField name="departmentId" label="建议应询部门" feedback={feedback} emptyLabel="（不指定）" options={d.departments.map((x) => ({ value: x.id, label: x.name }))} />
            </div>
            <TextAreaField name="sourceNote" label="问题来源或依据" rows={2} maxLength={500} feedback={feedback} hint="如：代表小组活动中群众反映、视察中发现的问题" />
            <button type="submit" disabled={busy}>提交问题建议</button>
          </Form>
        </div>
      ) : (
        <div className="card">
          <p className="muted" style={{ margin: 0 }}>该专题询问的询问提纲已经主任会议审定，不再征集问题建议。</p>
        </div>
      )}
      <h2>我对本次询问的问题建议（{d.proposals.length}）</h2>
      {d.proposals.length === 0 ? (
        <p className="muted">您尚未提出问题建议。</p>
      ) : (
        <table className="data" data-testid="my-proposals">
          <thead>
            <tr>
              <th>问题</th>
              <th style={{ width: "10em" }}>建议关键词 / 部门</th>
              <th style={{ width: "12em" }}>提出时间</th>
              <th style={{ width: "14em" }}>处理结果</th>
            </tr>
          </thead>
          <tbody>
            {d.proposals.map((p) => (
              <tr key={p.id}>
                <td>{p.text}</td>
                <td className="ol-small">
                  {p.keyword || "—"}
                  <div className="muted">{p.department_name ?? ""}</div>
                </td>
                <td className="ol-small">{formatDateTime(p.created_at)}</td>
                <td>
                  <span className={`badge ${STATUS_CLASS[p.status]}`}>{PROPOSAL_STATUS_LABELS[p.status]}</span>
                  {p.status === "declined" && p.decline_reason ? <div className="ol-small ol-decline">理由：{p.decline_reason}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
