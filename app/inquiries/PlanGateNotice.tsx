import { Form, Link, useLocation, useNavigation } from "@remix-run/react";
import { FormError, TextAreaField, type FormFeedback } from "~/components/forms";

/** The plan gate as the pages receive it from planGate() (app/inquiries/plan-gate.server.ts). */
export interface PlanGateView {
  open: boolean;
  approvedOn: string | null;
  proceed: { reason: string; on: string | null; at: string; actorName: string | null } | null;
}

/**
 * The "record a reason to proceed" form. It posts to the plan page's action (intent=proceed), which records
 * the reason and comes back to the page the form sits on.
 */
export function PlanProceedForm({ inquiryId, feedback }: { inquiryId: number; feedback?: FormFeedback }) {
  const location = useLocation();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "proceed";
  return (
    <Form method="post" action={`/inquiries/${inquiryId}/plan`} noValidate data-testid="plan-proceed-form">
      <FormError feedback={feedback} />
      <input type="hidden" name="intent" value="proceed" />
      <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}`} />
      <TextAreaField
        idPrefix="f-proceed"
        name="reason"
        label="先行开展的理由"
        feedback={feedback}
        required
        rows={2}
        maxLength={500}
        hint="例如：主任会议已于某日审议批准（纸质件），系统补记"
      />
      <button type="submit" className="secondary" disabled={busy}>
        记录理由并先行开展
      </button>
    </Form>
  );
}

/**
 * Shown on the pages of gated work (委托调研, 询问提纲, 询问会, 满意度测评) while the work plan is not approved:
 * why the work is blocked, a link to the plan, and — for staff — the form to record a reason to proceed.
 */
export function PlanGateNotice({ inquiryId, gate, canManage, work }: { inquiryId: number; gate: PlanGateView; canManage: boolean; work: string }) {
  if (gate.open) return null;
  return (
    <div className="inq-notice bad plan-gate" role="note" data-testid="plan-gate">
      <p>
        <strong>工作方案尚未经主任会议批准，暂不能{work}。</strong>请先在<Link to={`/inquiries/${inquiryId}/plan`}>工作方案</Link>页提请主任会议审议并记录审议结果。
      </p>
      {canManage ? (
        <details>
          <summary>主任会议已以其他方式批准，或须先行开展？</summary>
          <PlanProceedForm inquiryId={inquiryId} />
        </details>
      ) : null}
    </div>
  );
}
