import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError } from "~/components/forms";
import { ReviewSchema } from "~/insight/forms.server";
import { parseScope, publicationHits, redactAllUnreviewed, reviewHit, scopeLabel, type PublicationScope } from "~/insight/pii.server";
import { loadInquiryFor } from "~/inquiries/inquiries.server";
import { canReviewPersonalData } from "~/policy.server";
import { submittedHandlingReports } from "~/rectification/handling-report.server";
import { readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 发布前个人信息审查: the personal data found in what is about to be published (the digest, the public
 * rectification status, a round of the handling report), each hit in its context; staff have it replaced
 * (某/＊＊) in the published version or mark it not personal. Publishing stays refused until every hit is
 * reviewed; the stored text is never changed. Staff only.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `发布前个人信息审查 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const DENIED = "发布前个人信息审查仅限人大工作人员。";
const load = (request: Request, params: { id?: string }) => loadInquiryFor(request, params, (u) => canReviewPersonalData(u), DENIED);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { db, inquiry } = await load(request, params);
  const scope = parseScope(new URL(request.url).searchParams.get("scope")) ?? "digest";
  const reports = await submittedHandlingReports(db, inquiry.id);
  const scopes: { scope: PublicationScope; label: string }[] = [
    { scope: "digest", label: "询问会摘要" },
    { scope: "rectification", label: "整改情况公开" },
    ...reports.map((r) => ({ scope: `handling_report:${r.id}` as PublicationScope, label: `研究处理情况报告（第 ${r.round} 轮）` })),
  ];
  const hits = await publicationHits(db, inquiry.id, scope);
  return { inquiry: { id: inquiry.id, title: inquiry.title }, scope, scopeLabel: scopeLabel(scope), scopes, hits, open: hits.filter((h) => h.decision === null).length };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { db, inquiry, user } = await load(request, params);
  const url = new URL(request.url);
  const scope = parseScope(url.searchParams.get("scope")) ?? "digest";
  const formData = await readFormData(request);
  const actor = actorOf(user, context);
  const here = `${url.pathname}?scope=${encodeURIComponent(scope)}`;
  if (formData.get("intent") === "redact_all") {
    const n = await redactAllUnreviewed(db, actor, { inquiryId: inquiry.id, scope });
    return redirectWithToast(here, n ? `其余 ${n} 处发布时一律替换` : "没有未审查的内容");
  }
  const parsed = ReviewSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data({ fieldErrors: { _form: [parsed.error.issues[0]?.message ?? "请求无效，请刷新页面后重试"] } }, { status: 400 });
  const result = await reviewHit(db, actor, { inquiryId: inquiry.id, scope, ...parsed.data });
  if (!result.ok) return data({ fieldErrors: { _form: [result.message] } }, { status: 409 });
  return redirectWithToast(here, parsed.data.decision === "redact" ? "已设为发布时替换" : "已标记为非个人信息");
}

export default function PrivacyReview() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="in-page">
      <p className="rs-crumbs">
        <Link to={`/inquiries/${d.inquiry.id}`}>{d.inquiry.title}</Link> › 发布前个人信息审查
      </p>
      <div className="page-head">
        <h1>发布前个人信息审查</h1>
      </div>
      <p className="muted">
        系统在拟公开的文字中查找身份证号（校验码有效）、手机和固定电话号码、银行卡号（通过 Luhn 校验）以及“户主”“贫困户”“患者”等词后的姓名。请逐处处理：发布时替换为“某”或“＊”，或标记为非个人信息。全部处理后才能发布；原文不作改动，仅供内部查阅。
      </p>
      <nav className="in-tabs">
        {d.scopes.map((s) => (
          <Link key={s.scope} to={`?scope=${encodeURIComponent(s.scope)}`} className={s.scope === d.scope ? "button" : "button secondary"}>
            {s.label}
          </Link>
        ))}
      </nav>
      <FormError feedback={result} />
      <h2>
        {d.scopeLabel}：<span data-testid="pii-open">{d.open ? `尚有 ${d.open} 处未审查` : d.hits.length ? "已全部审查，可以发布" : "未发现个人信息"}</span>
      </h2>
      {d.open > 1 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="redact_all" />
          <button type="submit" className="secondary" disabled={busy}>其余 {d.open} 处发布时一律替换</button>
        </Form>
      ) : null}
      {d.hits.length ? (
        <table className="data" data-testid="pii-hits">
          <thead>
            <tr>
              <th scope="col">位置</th>
              <th scope="col">类型</th>
              <th scope="col">上下文</th>
              <th scope="col">发布为</th>
              <th scope="col">处理</th>
            </tr>
          </thead>
          <tbody>
            {d.hits.map((h, i) => (
              <tr key={`${h.source}-${h.match}-${i}`} data-testid="pii-hit">
                <td>{h.label}</td>
                <td>{h.kindLabel}</td>
                <td>
                  {h.context.before}
                  <mark>{h.context.match}</mark>
                  {h.context.after}
                </td>
                <td>{h.decision === "not_personal" ? h.match : h.masked}</td>
                <td>
                  {h.decision ? <span className="badge ok" data-testid="pii-decision">{h.decision === "redact" ? "发布时替换" : "非个人信息"}</span> : <span className="badge bad">未审查</span>}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="review" />
                    <input type="hidden" name="source" value={h.source} />
                    <input type="hidden" name="match" value={h.match} />
                    <input type="hidden" name="version" value={h.version} />
                    {h.decision !== "redact" ? (
                      <button type="submit" name="decision" value="redact" disabled={busy} aria-label={`替换：${h.masked}`}>替换</button>
                    ) : null}
                    {h.decision !== "not_personal" ? (
                      <button type="submit" name="decision" value="not_personal" className="secondary" disabled={busy}>非个人信息</button>
                    ) : null}
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
