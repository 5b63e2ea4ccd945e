import { useContext, useEffect, useMemo, useState } from "react";
// The router's state holds the action data of whichever route answered the last form post; Remix's own
// useActionData() reads only the calling route's, and this notice lives in the layout (docs/decisions/0042).
import { UNSAFE_DataRouterStateContext } from "react-router-dom";

/** The messages of a refused form post: every `fieldErrors` entry of the action data, in order, once each. */
export function refusalMessages(actionData: Record<string, unknown> | null | undefined): string[] {
  const messages: string[] = [];
  for (const value of Object.values(actionData ?? {})) {
    const fieldErrors = (value as { fieldErrors?: Record<string, unknown> } | null)?.fieldErrors;
    if (!fieldErrors || typeof fieldErrors !== "object") continue;
    for (const list of Object.values(fieldErrors)) {
      if (!Array.isArray(list)) continue;
      for (const m of list) if (typeof m === "string" && m && !messages.includes(m)) messages.push(m);
    }
  }
  return messages;
}

/** Error texts the page shows where the user can see them (a closed <details> or a hidden form does not count). */
function visibleErrorTexts(root: HTMLElement): string[] {
  const found: string[] = [];
  root.querySelectorAll<HTMLElement>(".form-error, .field-error, [role='alert']").forEach((el) => {
    if (el.closest("[data-refusal-notice]")) return;
    if (el.getClientRects().length === 0) return;
    found.push(el.textContent ?? "");
  });
  return found;
}

/**
 * Every refusal shows its reason (issue 23 item 4). A refused form post answers 400 with `{ fieldErrors }`; the
 * page shows each message next to its form or field — unless that form is not on the page (its section is
 * shown only in another state, the page changed under the user, or the message belongs to a field the form
 * lacks). This notice, in the layout, shows any message of the last refusal that the page itself does not
 * show, so no refusal is ever silent. Without scripts it shows them all (the page may then repeat one).
 */
export function RefusalNotice() {
  const state = useContext(UNSAFE_DataRouterStateContext);
  const actionData = state?.actionData as Record<string, unknown> | null | undefined;
  const messages = useMemo(() => refusalMessages(actionData), [actionData]);
  const [checked, setChecked] = useState<{ of: string[]; unshown: string[] } | null>(null);
  useEffect(() => {
    const main = document.getElementById("main");
    const shown = main ? visibleErrorTexts(main) : [];
    setChecked({ of: messages, unshown: messages.filter((m) => !shown.some((text) => text.includes(m))) });
  }, [messages]);
  // until the page has been looked at for this refusal, the answer is not known
  const unshown = checked && checked.of === messages ? checked.unshown : null;
  if (messages.length === 0) return null;
  if (unshown === null) {
    // server render and first paint: only browsers without scripts keep this
    return (
      <noscript>
        <div className="form-error refusal-notice" role="alert" data-refusal-notice>
          {messages.join("；")}
        </div>
      </noscript>
    );
  }
  if (unshown.length === 0) return null;
  return (
    <div className="form-error refusal-notice" role="alert" data-refusal-notice data-testid="refusal-notice">
      <strong>操作未完成：</strong>
      {unshown.join("；")}
    </div>
  );
}
