import { Form, Link } from "@remix-run/react";
import { FormError, type FormFeedback } from "~/components/forms";
import type { RecurringGroup } from "~/insight/recurring.server";

/** The groups of recurring problems as the reader builds them (app/insight/recurring.server.ts), each member
 * in the page's terms (inquiry, kind, department, outcome); staff confirm or split. */
export type GroupView = Omit<RecurringGroup, "members"> & {
  members: {
    key: string;
    kind: "item" | "question" | "finding";
    kindLabel: string;
    text: string;
    inquiryId: number;
    inquiryTitle: string;
    year: number;
    keyword: string;
    departmentNames: string[];
    outcome: { label: string; tone: string };
    confirmed: boolean;
    href: string | null;
  }[];
};

const TONE: Record<string, string> = { ok: "ok", warn: "warn", danger: "bad", "": "" };

export function RecurringGroups(props: { groups: GroupView[]; canManage: boolean; busy: boolean; feedback?: FormFeedback & { keys?: string } }) {
  if (!props.groups.length) return <p className="muted" data-testid="recurring-empty">没有发现在两次及以上专题询问中反复出现的问题。</p>;
  return (
    <ol className="in-groups" data-testid="recurring-groups">
      {props.groups.map((g) => {
        const id = g.keys.join(",");
        return (
          <li key={id} className="card in-group" data-testid="recurring-group" data-keys={id}>
            <p className="in-group-head">
              <strong>在 {g.inquiryCount} 次专题询问中提出 {g.timesRaised} 次</strong>
              {g.confirmed ? <span className="badge ok">已确认</span> : <span className="badge">待确认</span>}
              {g.overdue ? <span className="badge bad">逾期 {g.overdue} 项</span> : null}
              {g.open ? <span className="badge warn">未销号 {g.open} 项</span> : null}
              <span className="muted">主题：{[...g.keywords, ...g.topics].join("、")}</span>
              {g.departments.length ? <span className="muted">部门：{g.departments.map((d) => d.name).join("、")}</span> : null}
            </p>
            {props.feedback?.keys === id ? <FormError feedback={props.feedback} /> : null}
            <Form method="post">
              <input type="hidden" name="keys" value={id} />
              <table className="data in-members">
                <thead>
                  <tr>
                    {props.canManage ? <th scope="col">拆分</th> : null}
                    <th scope="col">年度</th>
                    <th scope="col">专题询问</th>
                    <th scope="col">类别</th>
                    <th scope="col">内容</th>
                    <th scope="col">部门</th>
                    <th scope="col">结果</th>
                  </tr>
                </thead>
                <tbody>
                  {g.members.map((m) => (
                    <tr key={m.key} data-testid="recurring-member">
                      {props.canManage ? (
                        <td>
                          <input type="checkbox" name="apart" value={m.key} aria-label={`拆分：${m.text.slice(0, 20)}`} />
                        </td>
                      ) : null}
                      <td>{m.year}</td>
                      <td>
                        <Link to={`/inquiries/${m.inquiryId}`}>{m.inquiryTitle}</Link>
                      </td>
                      <td>
                        {m.kindLabel}
                        {m.keyword ? <div className="muted ol-small">{m.keyword}</div> : null}
                      </td>
                      <td>
                        {m.href ? <Link to={m.href}>{m.text}</Link> : m.text}
                        {!g.confirmed && m.confirmed ? <span className="badge ok">已确认</span> : null}
                      </td>
                      <td>{m.departmentNames.join("、") || "—"}</td>
                      <td>
                        <span className={`badge ${TONE[m.outcome.tone] ?? ""}`}>{m.outcome.label}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {props.canManage ? (
                <p className="in-group-actions">
                  {!g.confirmed ? (
                    <button type="submit" name="intent" value="confirm" disabled={props.busy}>确认为同一问题</button>
                  ) : null}
                  <button type="submit" name="intent" value="split" className="secondary" disabled={props.busy}>拆分勾选的问题</button>
                </p>
              ) : null}
            </Form>
          </li>
        );
      })}
    </ol>
  );
}

