import { Link } from "@remix-run/react";
import type { AccountabilityKind } from "../../db/schema";
import { formatDate } from "~/utils/time";
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_STATUS_LABELS } from "./labels";

export interface MyStep {
  id: number;
  kind: AccountabilityKind;
  stepDate: string;
  inquiryTitle: string;
  decision: string;
  status: "pending" | "done";
  trigger: string;
  itemId: number | null;
  itemNumber: number | null;
}

/** /my: the accountability steps concerning the signed-in organisation (its own history; issue 21). */
export function MyAccountabilitySection({ steps }: { steps: MyStep[] }) {
  if (steps.length === 0) return null;
  return (
    <div className="card" data-testid="my-accountability">
      <h2 className="rs-card-title">涉及本单位的问责措施（{steps.length}）</h2>
      <table className="data stack rs-table">
        <thead>
          <tr>
            <th>日期</th>
            <th>措施</th>
            <th>专题询问</th>
            <th>依据</th>
            <th>决定内容</th>
            <th>状态</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <tr key={s.id}>
              <td data-label="日期" className="rs-nowrap">{formatDate(s.stepDate)}</td>
              <td data-label="措施" className="rs-nowrap">{ACCOUNTABILITY_KIND_LABELS[s.kind]}</td>
              <td data-label="专题询问">{s.inquiryTitle}</td>
              <td data-label="依据" className="rs-small">
                {s.trigger}
                {s.itemId ? <> · <Link to={`/rectification/${s.itemId}`}>第 {s.itemNumber} 项</Link></> : null}
              </td>
              <td data-label="决定内容" className="rs-pre">{s.decision}</td>
              <td data-label="状态">{ACCOUNTABILITY_STATUS_LABELS[s.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
