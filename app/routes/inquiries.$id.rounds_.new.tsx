import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { FormError, type FormFeedback } from "~/components/forms";
import { ROUND_KIND_LABELS, ROUND_KINDS } from "~/followup/labels";
import { inheritableItems, roundChain, startRound } from "~/followup/rounds.server";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canStartRound } from "~/policy.server";
import { ITEM_STATUS_LABELS } from "~/rectification/labels";
import { addMonths } from "~/utils/time";
import { fieldError, fields, parseForm, readFormData } from "~/utils/forms.server";
import { idField } from "~/utils/ids";
import { formatDate, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 开展跟踪监督: staff start the next round of an inquiry (a follow-up meeting, a 回头看 inspection, or a new inquiry
 * on the same topic) and choose which open and carried-over items it continues. Staff only (403 otherwise).
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `开展跟踪监督 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, (user) => canStartRound(user), "只有人大工作人员可以开展跟踪监督。");

const RoundSchema = z.object({
  kind: z.enum(ROUND_KINDS, { error: "请选择本轮方式" }),
  title: fields.requiredText("本轮名称", 200),
  meetingDate: fields.optionalText("日期", 20),
  deadline: fields.optionalText("整改时限", 20),
  itemIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(idField())),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const chain = await roundChain(db, inquiry.id);
  const latest = chain[chain.length - 1];
  const items = await inheritableItems(db, inquiry.id);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title, roundNumber: inquiry.round_number },
    latest: latest.id === inquiry.id ? null : { id: latest.id, title: latest.title },
    items: items.map((i) => ({ id: i.id, number: i.number, problem: i.problem, status: ITEM_STATUS_LABELS[i.status], deadline: i.deadline, lead: i.lead_name })),
    defaults: { title: `${chain[0].title}（第 ${inquiry.round_number + 1} 轮跟踪监督）`, deadline: addMonths(todayInShanghai(), 6) },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const parsed = parseForm(await readFormData(request), RoundSchema);
  if (!parsed.ok) return data(parsed, { status: 400 });
  const d = parsed.data;
  const result = await startRound(db, actorOf(user, context), { fromInquiryId: inquiry.id, kind: d.kind, title: d.title, meetingDate: d.meetingDate.trim(), deadline: d.deadline.trim(), itemIds: d.itemIds });
  if (!result.ok) return data(fieldError(result.field, result.message, parsed.values), { status: 400 });
  return redirectWithToast(`/inquiries/${result.id}`, `已开展第 ${inquiry.round_number + 1} 轮跟踪监督，承接整改事项 ${result.items} 项`);
}

export default function NewRoundPage() {
  const { inquiry, latest, items, defaults } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FormFeedback | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const err = (name: string) => result?.fieldErrors?.[name]?.[0];
  const values = result?.values ?? {};
  const chosen = values.itemIds !== undefined ? new Set(values.itemIds.split("\n")) : null;
  return (
    <section className="rs-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › 开展跟踪监督
          </p>
          <h1>开展跟踪监督（第 {inquiry.roundNumber + 1} 轮）</h1>
        </div>
      </div>
      {latest ? (
        <p className="inq-notice" role="alert">
          本轮已有下一轮：<Link to={`/inquiries/${latest.id}`}>{latest.title}</Link>。请从最新一轮开展跟踪监督。
        </p>
      ) : (
        <Form method="post" noValidate className="card" data-testid="round-form">
          <FormError feedback={result} />
          <p className="rs-small muted">新一轮有自己的询问会记录、满意度测评、摘要和整改台账；所选未完成事项在本轮结转，并在新一轮继续督办，办理记录随事项保留。</p>
          <div className="rs-row">
            <div className="field">
              <label htmlFor="f-kind" className="field-label">方式<span className="required">*</span></label>
              <select id="f-kind" name="kind" defaultValue={values.kind ?? "followup_meeting"}>
                {ROUND_KINDS.map((k) => (
                  <option key={k} value={k}>{ROUND_KIND_LABELS[k]}</option>
                ))}
              </select>
              {err("kind") ? <p className="field-error">{err("kind")}</p> : null}
            </div>
            <div className="field">
              <label htmlFor="f-meetingDate" className="field-label">询问会或检查日期（计划）</label>
              <input id="f-meetingDate" name="meetingDate" type="date" defaultValue={values.meetingDate ?? ""} />
              {err("meetingDate") ? <p className="field-error">{err("meetingDate")}</p> : null}
            </div>
          </div>
          <div className="field">
            <label htmlFor="f-title" className="field-label">本轮名称<span className="required">*</span></label>
            <input id="f-title" name="title" maxLength={200} defaultValue={values.title ?? defaults.title} aria-describedby="f-title-error" />
            {err("title") ? <p className="field-error" id="f-title-error">{err("title")}</p> : null}
          </div>
          <h2>承接的整改事项（{items.length}）</h2>
          {items.length === 0 ? (
            <p className="muted">本轮没有未完成或结转的事项。</p>
          ) : (
            <>
              <div className="field">
                <label htmlFor="f-deadline" className="field-label">承接事项的整改时限</label>
                <input id="f-deadline" name="deadline" type="date" defaultValue={values.deadline ?? defaults.deadline} aria-describedby="f-deadline-error" />
                {err("deadline") ? <p className="field-error" id="f-deadline-error">{err("deadline")}</p> : null}
              </div>
              {err("itemIds") ? <p className="field-error">{err("itemIds")}</p> : null}
              <table className="data rs-table" data-testid="round-items">
                <thead>
                  <tr>
                    <th style={{ width: "4em" }}>承接</th>
                    <th style={{ width: "4em" }}>序号</th>
                    <th>问题</th>
                    <th>牵头单位</th>
                    <th>状态</th>
                    <th>原时限</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <input type="checkbox" name="itemIds" value={i.id} defaultChecked={chosen ? chosen.has(String(i.id)) : true} aria-label={`承接第 ${i.number} 项：${i.problem.slice(0, 40)}`} />
                      </td>
                      <td>{i.number}</td>
                      <td>{i.problem}</td>
                      <td>{i.lead}</td>
                      <td>{i.status}</td>
                      <td className="rs-nowrap">{formatDate(i.deadline)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <p className="rs-actions">
            <button type="submit" disabled={busy}>{busy ? "正在保存…" : "开展跟踪监督"}</button>
          </p>
        </Form>
      )}
    </section>
  );
}
