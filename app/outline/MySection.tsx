import { Link } from "@remix-run/react";
import { formatDate, formatDateTime } from "~/utils/time";
import { ANSWER_STATE_LABELS, PROPOSAL_STATUS_LABELS, questionerLabel, type AnswerState, type ProposalStatus } from "./labels";
import type { MemberOutlineHome, MyOutlineQuestions } from "./my.server";

/**
 * The outline's sections of the personal pages. Wire them with the loaders of ./my.server.ts:
 * /my (department): <MyOutlineQuestionsSection data={await loadMyOutlineQuestions(db, user)} />;
 * home (member): <MemberOutlineSection data={await loadMemberOutlineHome(db, user)} />.
 */
const ANSWER_CLASS: Record<AnswerState, string> = { none: "bad", draft: "warn", submitted: "ok" };
const PROPOSAL_CLASS: Record<ProposalStatus, string> = { pending: "warn", accepted: "ok", declined: "off" };

/** A department's issued questions, per inquiry, with their preparation-answer state. */
export function MyOutlineQuestionsSection({ data }: { data: MyOutlineQuestions | null | undefined }) {
  if (!data) return null;
  return (
    <section className="ol-my" data-testid="my-outline-questions" aria-labelledby="ol-my-title">
      <h2 id="ol-my-title">
        询问提纲问题（{data.total}）{data.unanswered ? <span className="badge warn">{data.unanswered} 个待提交书面准备答复</span> : null}
      </h2>
      {data.groups.length === 0 ? (
        <div className="card">
          <p className="muted" style={{ margin: 0 }}>暂无下发给本单位的询问提纲问题。</p>
        </div>
      ) : (
        data.groups.map((g) => (
          <div className="card ol-my-group" key={g.inquiry.id}>
            <h3>
              <Link to={`/inquiries/${g.inquiry.id}/outline`}>{g.inquiry.title}</Link>
            </h3>
            <p className="muted ol-small">
              询问提纲第 {g.versionNumber} 版{g.issuedAt ? `，${formatDateTime(g.issuedAt)} 下发` : ""}
              {g.open
                ? g.inquiry.meeting_date
                  ? `；请于询问会（${formatDate(g.inquiry.meeting_date)}）前提交书面准备答复`
                  : ""
                : `；询问会${g.inquiry.meeting_date ? `已于 ${formatDate(g.inquiry.meeting_date)} 召开` : "已召开"}，书面准备答复已结束（仅供查阅）`}
            </p>
            <table className="data stack">
              <thead>
                <tr>
                  <th style={{ width: "4em" }}>序号</th>
                  <th style={{ width: "9em" }}>关键词</th>
                  <th>问题</th>
                  <th style={{ width: "12em" }}>询问人</th>
                  <th style={{ width: "9em" }}>书面准备答复</th>
                </tr>
              </thead>
              <tbody>
                {g.questions.map((q) => (
                  <tr key={q.id} data-testid={`my-question-${q.id}`}>
                    <td data-label="序号">{q.number}</td>
                    <td data-label="关键词">{q.keyword}</td>
                    <td data-label="问题">
                      <Link to={`/inquiries/${g.inquiry.id}/outline/questions/${q.id}`}>{q.text}</Link>
                    </td>
                    <td data-label="询问人">{questionerLabel({ questioner_name: q.questioner.name, questioner_role: q.questioner.role })}</td>
                    <td data-label="书面准备答复">
                      <span className={`badge ${g.open ? ANSWER_CLASS[q.answerState] : "off"}`}>{ANSWER_STATE_LABELS[q.answerState]}</span>
                      <div className="ol-small">
                        <Link
                          to={`/inquiries/${g.inquiry.id}/outline/questions/${q.id}`}
                          aria-label={`${!g.open ? "查看" : q.answerState === "submitted" ? "查看或更新" : "撰写答复"}（第 ${q.number} 题的书面准备答复）`}
                        >
                          {!g.open ? "查看" : q.answerState === "submitted" ? "查看或更新" : "撰写答复"}
                        </Link>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </section>
  );
}

/** A member's home: inquiries collecting question proposals, the member's proposals, the questions the member will ask. */
export function MemberOutlineSection({ data }: { data: MemberOutlineHome | null | undefined }) {
  if (!data) return null;
  return (
    <section className="card ol-member-home" data-testid="member-outline" aria-labelledby="ol-member-title">
      <h2 id="ol-member-title" style={{ marginTop: 0 }}>询问提纲 · 问题建议</h2>
      {data.open.length ? (
        <ul className="ol-plain-list">
          {data.open.map((i) => (
            <li key={i.id}>
              {i.title}
              {i.meeting_date ? <span className="muted">（询问会 {formatDate(i.meeting_date)}）</span> : null}{" "}
              <Link to={`/inquiries/${i.id}/outline/propose`} className="button secondary ol-mini-button">提出问题建议</Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">目前没有正在征集问题建议的专题询问。</p>
      )}
      {data.proposals.length ? (
        <>
          <h3>我提出的问题建议</h3>
          <ul className="ol-plain-list">
            {data.proposals.map((p) => (
              <li key={p.id}>
                <span className={`badge ${PROPOSAL_CLASS[p.status]}`}>{PROPOSAL_STATUS_LABELS[p.status]}</span> {p.text}
                <span className="muted ol-small">（{p.inquiry_title}）</span>
                {p.status === "declined" && p.decline_reason ? <div className="ol-small ol-decline">理由：{p.decline_reason}</div> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {data.questions.length ? (
        <>
          <h3>列入提纲、由我询问的问题</h3>
          <ul className="ol-plain-list">
            {data.questions.map((q) => (
              <li key={q.id}>
                <Link to={`/inquiries/${q.inquiry_id}/outline#q-${q.id}`}>{q.text}</Link>
                <span className="muted ol-small">（{q.inquiry_title} · {q.keyword} · 应询部门：{q.department_name}）</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
