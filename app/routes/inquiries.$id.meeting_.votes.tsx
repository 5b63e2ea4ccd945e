import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { FormError } from "~/components/forms";
import { getDb } from "~/db.server";
import { OpenSchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting } from "~/meeting/forms.server";
import { VOTE_MODE_LABELS, VOTE_STATUS_LABELS } from "~/meeting/labels";
import { loadRecord, transcriptDepartments } from "~/meeting/meeting.server";
import { closeVote, listInquiryVotes, openVote, voteResults } from "~/meeting/votes.server";
import { canManageVotes, canReadMeetingRecord, forbidden, notFound } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";

/**
 * The satisfaction votes of one meeting: staff open a vote per answer or per department (as the meeting's vote
 * mode says), close it, and see counts and percentages; members read the results.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `满意度测评 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canReadMeetingRecord(user, inquiry.id)) forbidden("满意度测评仅供委员、代表和人大工作人员查阅。");
  if (!meeting) notFound("该询问会尚未设置");
  const votes = (await listInquiryVotes(db, inquiry.id)).filter((v) => v.target_type !== "handling_report");
  const withResults = await Promise.all(
    votes.map(async (v) => {
      const r = (await voteResults(db, v.id))!;
      return { ...v, total: r.total, approval: r.approval, counts: r.counts.map((c) => ({ label: c.label, count: c.count, percent: c.percent })) };
    }),
  );
  const record = await loadRecord(db, meeting.id);
  let n = 0;
  const exchanges = record
    .filter((s) => s.kind === "exchange")
    .map((s) => ({ id: s.id, number: ++n, keyword: s.keyword, questioner: `${s.questioner_role}${s.questioner_name}`, department: s.department_name ?? "" }));
  const departments = await transcriptDepartments(db, meeting.id);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    mode: meeting.vote_mode,
    secret: meeting.vote_secret === 1,
    canManage: canManageVotes(user),
    votes: withResults,
    exchanges,
    departments,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageVotes(user)) forbidden("只有人大工作人员可以发起和结束测评。");
  if (!meeting) notFound("该询问会尚未设置");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const refuse = (message: string) => data({ intent, fieldErrors: { _form: [message] }, values: {} }, { status: 400 });
  if (intent === "open") {
    const parsed = OpenSchema.safeParse({ targetType: formData.get("targetType"), targetId: formData.get("targetId") });
    if (!parsed.success) return refuse("请求无效，请刷新页面后重试");
    if (meeting.vote_mode !== parsed.data.targetType) return refuse(`本次询问会的测评方式是“${VOTE_MODE_LABELS[meeting.vote_mode]}”，请先在会议设置中修改`);
    const target = parsed.data.targetType === "answer" ? { type: "answer" as const, segmentId: parsed.data.targetId } : { type: "department" as const, departmentId: parsed.data.targetId };
    const result = await openVote(db, actor, { inquiryId: inquiry.id, target, secret: meeting.vote_secret === 1 });
    if (!result.ok) return refuse(result.message);
    return redirectWithToast(`/votes/${result.id}`, "测评已开始，委员可在手机上投票");
  }
  if (intent === "close") {
    const id = idField().safeParse(formData.get("voteId"));
    if (!id.success) return refuse("请求无效，请刷新页面后重试");
    const vote = await db.selectFrom("votes").select("inquiry_id").where("id", "=", id.data).executeTakeFirst();
    if (!vote || vote.inquiry_id !== inquiry.id) notFound("该测评不存在");
    const result = await closeVote(db, actor, id.data);
    if (!result.ok) return refuse(result.message);
    return redirectWithToast(`/inquiries/${inquiry.id}/meeting/votes`, "测评已结束");
  }
  return refuse("未知的操作，请刷新页面后重试");
}

export default function MeetingVotes() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const openFor = (type: string, id: number) => d.votes.find((v) => v.status === "open" && v.target_type === type && (type === "answer" ? v.segment_id === id : v.department_id === id));
  return (
    <section className="mt-page">
      <p className="rs-crumbs">
        <Link to={`/inquiries/${d.inquiry.id}`}>{d.inquiry.title}</Link> › <Link to={`/inquiries/${d.inquiry.id}/meeting`}>询问会</Link> › 满意度测评
      </p>
      <h1>满意度测评</h1>
      <p className="muted">
        测评方式：{VOTE_MODE_LABELS[d.mode]}
        {d.mode !== "none" ? `（${d.secret ? "无记名" : "记名"}）` : ""}。委员在手机上打开“满意度测评”（/votes）投票。
      </p>
      <FormError feedback={result} />

      <h2>测评记录（{d.votes.length}）</h2>
      {d.votes.length === 0 ? (
        <p className="muted">尚未开展测评。</p>
      ) : (
        <table className="data" data-testid="votes">
          <thead>
            <tr>
              <th>测评</th>
              <th>状态</th>
              <th>参加</th>
              <th>满意</th>
              <th>基本满意</th>
              <th>不满意</th>
              <th>弃权</th>
              <th>满意率</th>
              {d.canManage ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {d.votes.map((v) => (
              <tr key={v.id}>
                <td>
                  <Link to={`/votes/${v.id}`}>{v.title}</Link>
                  <div className="muted rs-small">{formatDateTime(v.opened_at)}</div>
                </td>
                <td>{VOTE_STATUS_LABELS[v.status]}</td>
                <td>{v.total}</td>
                {v.counts.map((c) => (
                  <td key={c.label}>
                    {c.count}（{c.percent}%）
                  </td>
                ))}
                <td>{v.approval.percent}%</td>
                {d.canManage ? (
                  <td>
                    {v.status === "open" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="close" />
                        <input type="hidden" name="voteId" value={v.id} />
                        <button type="submit" className="secondary rs-mini" disabled={busy}>结束</button>
                      </Form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {d.canManage && d.mode !== "none" ? (
        <>
          <h2>发起测评</h2>
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
                          <Form method="post">
                            <input type="hidden" name="intent" value="open" />
                            <input type="hidden" name="targetType" value="answer" />
                            <input type="hidden" name="targetId" value={x.id} />
                            <button type="submit" className="secondary rs-mini" disabled={busy} aria-label={`对第 ${x.number} 轮答复发起测评`}>发起测评</button>
                          </Form>
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
                        <Form method="post">
                          <input type="hidden" name="intent" value="open" />
                          <input type="hidden" name="targetType" value="department" />
                          <input type="hidden" name="targetId" value={x.id} />
                          <button type="submit" className="secondary rs-mini" disabled={busy} aria-label={`对${x.name}发起测评`}>发起测评</button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
