import type { AccountabilityKind } from "../../db/schema";
import { AccountabilityTable } from "./AccountabilityTable";

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
      <AccountabilityTable stack steps={steps.map((s) => ({ id: s.id, kind: s.kind, stepDate: s.stepDate, inquiryTitle: s.inquiryTitle, trigger: s.trigger, itemId: s.itemId, itemNumber: s.itemNumber, decision: s.decision, status: s.status }))} />
    </div>
  );
}
