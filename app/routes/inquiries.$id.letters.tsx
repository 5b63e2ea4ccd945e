import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { firstError, type FormFeedback } from "~/components/forms";
import { IssueLetterSchema } from "~/documents/forms.server";
import { LETTER_KIND_LABELS, type LetterKind } from "~/documents/letter-kinds";
import { issueLetter, letterChoices, listLetters } from "~/documents/letters.server";
import { canIssueLetters, canManageInquiry, forbidden } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { loadInquiryFor } from "~/utils/route.server";

/**
 * 公文: the formal letters of an inquiry (app/documents/letters.server.ts) — 交办函 to each department for the
 * issued outline and to each lead unit for its rectification items, 督办函 for a lead unit's overdue items, the
 * 审议意见书 to the government — made from the administrator's templates, numbered, listed with their Word files.
 * 催办函 are made where an item, survey or report is chased, and are listed here too.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `公文 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

async function load(request: Request, params: { id?: string }) {
  const loaded = await loadInquiryFor(request, params, canManageInquiry, "只有负责该专题询问的人大工作人员可以制发公文。");
  if (!canIssueLetters(loaded.user, loaded.inquiry)) forbidden("只有负责该专题询问的人大工作人员可以制发公文。");
  return loaded;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const [choices, letters] = await Promise.all([letterChoices(db, inquiry.id), listLetters(db, inquiry.id)]);
  return {
    inquiry: { id: inquiry.id, title: inquiry.title },
    choices,
    letters: letters.map((l) => ({ ...l, kindLabel: LETTER_KIND_LABELS[l.kind as LetterKind] ?? l.kind })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, inquiry } = await load(request, params);
  const form = await readFormData(request, 64 * 1024);
  const kind = String(form.get("kind") ?? "");
  const parsed = parseForm(form, IssueLetterSchema);
  if (!parsed.ok) return data({ kind, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const result = await issueLetter(db, actorOf(user, context), { inquiryId: inquiry.id, ...parsed.data });
  if (!result.ok) return data({ kind, fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/inquiries/${inquiry.id}/letters#letter-${result.id}`, `已制发${LETTER_KIND_LABELS[parsed.data.kind].replace(/（.*）/, "")}（${result.docNumber}）`);
}

const FORMS: { kind: Exclude<LetterKind, "chase">; choose: string; empty: string; note: string; noteRequired?: boolean }[] = [
  { kind: "assign_outline", choose: "应询部门", empty: "询问提纲尚未下发，或下发的提纲中没有问题。", note: "补充意见（可选，写入正文）" },
  { kind: "assign_items", choose: "牵头单位", empty: "尚无未销号的整改事项。", note: "补充意见（可选，写入正文）" },
  { kind: "supervise", choose: "牵头单位", empty: "目前没有逾期未销号的整改事项。", note: "督办意见（可选，写入正文）" },
  { kind: "opinion", choose: "主送", empty: "系统中没有人民政府单位。", note: "审议意见", noteRequired: true },
];

export default function LettersPage() {
  const { inquiry, choices, letters } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormFeedback & { kind?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  return (
    <section className="rs-page">
      <div className="page-head">
        <div>
          <p className="rs-crumbs">
            <Link to={`/inquiries/${inquiry.id}`}>{inquiry.title}</Link> › 公文
          </p>
          <h1>公文</h1>
          <p className="muted">按系统管理员维护的模板生成，按年度统一编发文字号，版式符合 GB/T 9704—2012；制发后记入事项办理记录和审计日志。</p>
        </div>
      </div>

      <div className="letter-forms">
        {FORMS.map((f) => {
          const options = choices[f.kind];
          const mine = result?.kind === f.kind ? result : undefined;
          const orgError = firstError(mine, "organizationId") ?? firstError(mine, "_form");
          const noteError = firstError(mine, "note");
          const id = `letter-${f.kind}`;
          return (
            <div className="card" key={f.kind} data-testid={id}>
              <h2 className="rs-card-title">{LETTER_KIND_LABELS[f.kind]}</h2>
              {options.length === 0 ? (
                <p className="muted">{f.empty}</p>
              ) : (
                <Form method="post" noValidate>
                  <input type="hidden" name="kind" value={f.kind} />
                  <label className="field-label" htmlFor={`${id}-org`}>
                    {f.choose}
                  </label>
                  <select id={`${id}-org`} name="organizationId" defaultValue={mine?.values?.organizationId ?? String(options[0].id)} aria-invalid={orgError ? true : undefined} aria-describedby={orgError ? `${id}-org-error` : undefined}>
                    {options.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                        {o.count ? `（${o.count} 项）` : ""}
                      </option>
                    ))}
                  </select>
                  {orgError ? (
                    <p className="field-error" id={`${id}-org-error`} role="alert">
                      {orgError}
                    </p>
                  ) : null}
                  <label className="field-label" htmlFor={`${id}-note`}>
                    {f.note}
                  </label>
                  <textarea id={`${id}-note`} name="note" rows={f.noteRequired ? 6 : 2} maxLength={3000} defaultValue={mine?.values?.note ?? ""} aria-invalid={noteError ? true : undefined} aria-describedby={noteError ? `${id}-note-error` : undefined} />
                  {noteError ? (
                    <p className="field-error" id={`${id}-note-error`} role="alert">
                      {noteError}
                    </p>
                  ) : null}
                  <button type="submit" disabled={busy}>
                    制发{LETTER_KIND_LABELS[f.kind].replace(/（.*）/, "")}
                  </button>
                </Form>
              )}
            </div>
          );
        })}
      </div>

      <h2>已制发的公文</h2>
      {letters.length === 0 ? (
        <p className="muted">尚未制发公文。</p>
      ) : (
        <table className="data rs-table" data-testid="letters">
          <thead>
            <tr>
              <th>发文字号</th>
              <th>种类</th>
              <th>标题</th>
              <th>主送</th>
              <th>成文日期</th>
              <th>Word</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((l) => (
              <tr key={l.id} id={`letter-${l.id}`}>
                <td>{l.doc_number}</td>
                <td>{l.kindLabel}</td>
                <td>{l.title}</td>
                <td>{l.addressee}</td>
                <td>{formatDate(l.letter_date)}</td>
                <td>
                  <a href={`/letters/${l.id}.docx`} download aria-label={`下载${l.doc_number}`}>
                    下载
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
