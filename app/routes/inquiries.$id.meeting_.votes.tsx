import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { planGate } from "~/inquiries/plan-gate.server";
import { PlanGateNotice } from "~/inquiries/PlanGateNotice";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { LiveNoScriptRefresh } from "~/components/LiveNoScriptRefresh";
import { firstError, FormError, type FormFeedback } from "~/components/forms";
import { useLiveRevalidate } from "~/components/useLiveRevalidate";
import { getDb } from "~/db.server";
import { OpenVoteSchema, RuleSchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting } from "~/meeting/forms.server";
import { describeRule, PASS_BASIS_LABELS, VOTE_MODE_LABELS, VOTE_RESULT_LABELS, VOTE_STATUS_LABELS } from "~/meeting/labels";
import { loadRecord } from "~/meeting/segments.server";
import { transcriptDepartments } from "~/meeting/corrections.server";
import { inquiryVoteRule, listInquiryVotes, openVote, setInquiryVoteRule } from "~/meeting/votes.server";
import { canManageVotes, canReadMeetingRecord, forbidden, notFound } from "~/policy.server";
import { formValues, parseForm, readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/**
 * The satisfaction votes of one meeting: staff open a vote per answer or per department (as the meeting's vote
 * mode says), each either online or with totals from the 表决器 / paper, and set the inquiry's pass rule. The
 * list shows turnout while a vote is open (never counts) and the result once it is closed; it refreshes itself.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `满意度测评 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canReadMeetingRecord(user, inquiry.id)) forbidden("满意度测评仅供委员、代表和人大工作人员查阅。");
  if (!meeting) notFound("该询问会尚未设置");
  const votes = (await listInquiryVotes(db, inquiry.id)).filter((v) => v.target_type !== "handling_report");
  const record = await loadRecord(db, meeting.id);
  let n = 0;
  const exchanges = record
    .filter((s) => s.kind === "exchange")
    .map((s) => ({ id: s.id, number: ++n, keyword: s.keyword, questioner: `${s.questioner_role}${s.questioner_name}`, department: s.department_name ?? "" }));
  const departments = await transcriptDepartments(db, meeting.id);
  const rule = await inquiryVoteRule(db, inquiry.id);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    mode: meeting.vote_mode,
    secret: meeting.vote_secret === 1,
    canManage: canManageVotes(user),
    rule,
    votes,
    gate: await planGate(db, inquiry.id),
    exchanges,
    departments,
  };
}

type Feedback = FormFeedback & { intent: string; targetKey?: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageVotes(user)) forbidden("只有人大工作人员可以发起测评和设置测评规则。");
  if (!meeting) notFound("该询问会尚未设置");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const values = formValues(formData);
  const targetKey = `${values.targetType ?? ""}:${values.targetId ?? ""}`;
  const refuse = (field: string, message: string) => data<Feedback>({ intent, targetKey, fieldErrors: { [field]: [message] }, values }, { status: 400 });
  if (intent === "open") {
    const parsed = OpenVoteSchema.safeParse({ targetType: formData.get("targetType"), targetId: formData.get("targetId"), method: formData.get("method") });
    if (!parsed.success) return refuse("method", parsed.error.issues.find((i) => i.path[0] === "method")?.message ?? "请求无效，请刷新页面后重试");
    if (meeting.vote_mode !== parsed.data.targetType) return refuse("_form", `本次询问会的测评方式是“${VOTE_MODE_LABELS[meeting.vote_mode]}”，请先在会议设置中修改`);
    const target = parsed.data.targetType === "answer" ? { type: "answer" as const, segmentId: parsed.data.targetId } : { type: "department" as const, departmentId: parsed.data.targetId };
    const result = await openVote(db, actor, { inquiryId: inquiry.id, target, secret: meeting.vote_secret === 1, method: parsed.data.method });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(`/votes/${result.id}`, parsed.data.method === "online" ? "测评已开始，委员可在手机上投票" : "测评已开始，请录入表决器或纸质表决结果");
  }
  if (intent === "rule") {
    const parsed = parseForm(formData, RuleSchema);
    if (!parsed.ok) return data<Feedback>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    const result = await setInquiryVoteRule(db, actor, { inquiryId: inquiry.id, version: parsed.data.version, rule: { basis: parsed.data.basis, ...parsed.data.ratio } });
    if (!result.ok) return refuse(result.field, result.message);
    return redirectWithToast(`/inquiries/${inquiry.id}/meeting/votes`, "测评规则已保存，此后发起的测评按新规则计算");
  }
  return refuse("_form", "未知的操作，请刷新页面后重试");
}

function OpenForm({ type, id, label, busy, feedback }: { type: "answer" | "department"; id: number; label: string; busy: boolean; feedback: Feedback | undefined }) {
  const mine = feedback?.intent === "open" && feedback.targetKey === `${type}:${id}` ? feedback : undefined;
  return (
    <Form method="post" className="vt-open">
      <input type="hidden" name="intent" value="open" />
      <input type="hidden" name="targetType" value={type} />
      <input type="hidden" name="targetId" value={id} />
      <select name="method" aria-label={`${label}的表决方式`} defaultValue={mine?.values?.method ?? "online"}>
        <option value="online">网上投票</option>
        <option value="entered">表决器或纸质表决</option>
      </select>{" "}
      <button type="submit" className="secondary rs-mini" disabled={busy} aria-label={`对${label}发起测评`}>发起测评</button>
      {firstError(mine, "method") || firstError(mine, "_form") ? <p className="field-error">{firstError(mine, "method") ?? firstError(mine, "_form")}</p> : null}
    </Form>
  );
}

export default function MeetingVotes() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Feedback | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const anyOpen = d.votes.some((v) => v.status === "open");
  useLiveRevalidate(anyOpen);
  const openFor = (type: string, id: number) => d.votes.find((v) => v.status === "open" && v.target_type === type && (type === "answer" ? v.segment_id === id : v.department_id === id));
  const ruleFeedback = result?.intent === "rule" ? result : undefined;
  return (
    <section className="mt-page">
      <InquiryNav inquiry={d.inquiry} tab="meeting" trail={[{ label: "满意度测评" }]} />
      {anyOpen ? <LiveNoScriptRefresh /> : null}
      <h1>满意度测评</h1>
      <p className="muted">
        测评方式：{VOTE_MODE_LABELS[d.mode]}
        {d.mode !== "none" ? `（${d.secret ? "无记名" : "记名"}）` : ""}。测评规则：<span data-testid="vote-rule">{describeRule(d.rule)}</span>。委员在手机上打开“满意度测评”投票，或扫描测评页面的二维码。
      </p>
      {d.canManage ? <PlanGateNotice inquiryId={d.inquiry.id} gate={d.gate} canManage work="开展满意度测评" /> : null}
      {result?.intent !== "open" && result?.intent !== "rule" ? <FormError feedback={result} /> : null}

      <h2>测评记录（{d.votes.length}）</h2>
      {d.votes.length === 0 ? (
        <p className="muted">尚未开展测评。</p>
      ) : (
        <table className="data" data-testid="votes">
          <thead>
            <tr>
              <th>测评</th>
              <th>方式</th>
              <th>状态</th>
              <th>已投 / 应到</th>
              <th>结果</th>
            </tr>
          </thead>
          <tbody>
            {d.votes.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/votes/${v.id}`}>{v.title}</Link>
                  <div className="muted rs-small">{formatDateTime(v.opened_at)}</div>
                </td>
                <td>{v.method === "online" ? "网上投票" : "表决器/纸质"}</td>
                <td>{VOTE_STATUS_LABELS[v.status]}</td>
                <td>{v.method === "online" ? `${v.voted} / ${v.eligible}` : `— / ${v.eligible}`}</td>
                <td>
                  {v.status === "closed" && v.result ? (
                    <span className={`badge ${v.result === "passed" ? "ok" : "bad"}`}>{VOTE_RESULT_LABELS[v.result]}</span>
                  ) : v.status === "open" ? (
                    <span className="muted">结束后公布</span>
                  ) : (
                    "—"
                  )}
                  {v.followup === "re_report" ? <div className="rs-small">{v.followup_done_at ? "重新报告已办理" : "须整改并重新报告"}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {d.canManage && d.mode !== "none" ? (
        <>
          <h2>发起测评</h2>
          <p className="muted rs-small">每个测评对象只用一种表决方式：网上投票，或会场表决器、纸质表决票（由工作人员录入、另一名工作人员确认）。</p>
          {d.mode === "answer" ? (
            d.exchanges.length === 0 ? (
              <p className="muted">记录中尚无问答。</p>
            ) : (
              <table className="data" data-testid="vote-targets">
                <tbody>
                  {d.exchanges.map((x) => (
                    <tr key={x.id}>
                      <td>
                        {x.number}. {x.keyword || "（未分关键词）"}：{x.questioner} → {x.department}
                      </td>
                      <td>
                        {openFor("answer", x.id) ? (
                          <Link to={`/votes/${openFor("answer", x.id)!.id}`}>测评进行中</Link>
                        ) : (
                          <OpenForm type="answer" id={x.id} label={`第 ${x.number} 轮答复`} busy={busy} feedback={result} />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : d.departments.length === 0 ? (
            <p className="muted">记录中尚无应询部门。</p>
          ) : (
            <table className="data" data-testid="vote-targets">
              <tbody>
                {d.departments.map((x) => (
                  <tr key={x.id}>
                    <td>
                      {x.name}（应询 {x.exchanges} 轮）
                    </td>
                    <td>
                      {openFor("department", x.id) ? (
                        <Link to={`/votes/${openFor("department", x.id)!.id}`}>测评进行中</Link>
                      ) : (
                        <OpenForm type="department" id={x.id} label={x.name} busy={busy} feedback={result} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}

      {d.canManage ? (
        <Form method="post" className="card" data-testid="rule-form">
          <h2 className="rs-card-title">测评规则（本次询问）</h2>
          <FormError feedback={ruleFeedback} />
          <input type="hidden" name="intent" value="rule" />
          <input type="hidden" name="version" value={d.rule.version ?? ""} />
          <div className="field">
            <label className="field-label" htmlFor="f-basis">
              计算基数
            </label>
            <select id="f-basis" name="basis" defaultValue={ruleFeedback?.values?.basis ?? d.rule.basis}>
              {Object.entries(PASS_BASIS_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            {firstError(ruleFeedback, "basis") ? <p className="field-error">{firstError(ruleFeedback, "basis")}</p> : null}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="f-ratio">
              满意和基本满意票须超过
            </label>
            <select id="f-ratio" name="ratio" defaultValue={ruleFeedback?.values?.ratio ?? `${d.rule.num}/${d.rule.den}`}>
              <option value="1/2">二分之一（过半数）</option>
              <option value="2/3">三分之二</option>
            </select>
            {firstError(ruleFeedback, "ratio") ? <p className="field-error">{firstError(ruleFeedback, "ratio")}</p> : null}
          </div>
          <p className="muted rs-small">默认：满意和基本满意票超过全体组成人员的半数为通过；未通过的，应询部门须整改并重新报告。已发起的测评按发起时的规则计算。</p>
          <button type="submit" className="secondary" disabled={busy}>保存测评规则</button>
        </Form>
      ) : null}
    </section>
  );
}
