import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { z } from "zod";
import type { InquiryStage } from "../../db/schema";
import { actorOf } from "~/auth/session.server";
import { firstError, FormError } from "~/components/forms";
import { getDb } from "~/db.server";
import { planGate } from "~/inquiries/plan-gate.server";
import { getInquiry, inquiryKeyDates, respondingOrganizations, setStage, stageSummary } from "~/inquiries/inquiries.server";
import { MANUAL_STAGES, PLAN_STATUS_LABELS, STAGE_LABELS, STAGES } from "~/labels";
import { canCorrectRecord, canManageInquiry, canReadInquiry, canStartRound, forbidden, notFound, requirePermission } from "~/policy.server";
import { inquiryChronicle } from "~/history/chronicle.server";
import { voidRecord } from "~/history/void.server";
import { VoidedBanner, VoidForm } from "~/components/history";
import { roundChain } from "~/followup/rounds.server";
import { RoundsCard } from "~/followup/RoundsCard";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDate, formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, versionField } from "~/utils/ids";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();
const StageSchema = z.object({
  version: versionField(),
  stage: z.enum(STAGES.map((s) => s.key) as [InquiryStage, ...InquiryStage[]], { error: "请选择阶段" }),
  reason: z.string().max(500, { error: "理由不能超过 500 个字" }).default(""),
  confirmBackwards: z.literal("1").optional(),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "inquiry:list");
  const id = IdSchema.safeParse(params.id);
  if (!canReadInquiry(user, id.data ?? 0)) forbidden("该专题询问不在您参与的范围内，您无权查看。");
  if (!id.success) notFound("该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id.data);
  if (!inquiry) notFound("该专题询问不存在");
  const [summary, organizations, dates, gate] = await Promise.all([
    stageSummary(db, inquiry.id),
    respondingOrganizations(db, inquiry.id),
    inquiryKeyDates(db, inquiry.id),
    planGate(db, inquiry.id),
  ]);
  if (!summary) notFound("该专题询问不存在");
  // a voided inquiry is gone for everyone but staff, who read it from the 已作废 view
  if (inquiry.voided_at && !canCorrectRecord(user)) notFound("该专题询问不存在");
  const chronicle = await inquiryChronicle(db, inquiry.id);
  const { plan_json: _json, plan_html: _html, ...rest } = inquiry;
  const rounds = await roundChain(db, inquiry.id);
  return { inquiry: { ...rest, hasPlan: Boolean(inquiry.plan_text) }, summary, organizations, dates, gate, canManage: canManageInquiry(user), canCorrect: canCorrectRecord(user) && !inquiry.voided_at, chronicle, rounds, canStartRound: canStartRound(user) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "inquiry:manage");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该专题询问不存在");
  const formData = await readFormData(request, 16 * 1024);
  const intent = String(formData.get("intent") ?? "");
  if (intent === "void") {
    if (!canCorrectRecord(user)) forbidden("只有人大工作人员可以作废专题询问。");
    const values = { reason: String(formData.get("reason") ?? "") };
    const version = versionField().safeParse(formData.get("version"));
    if (!version.success) return data({ intent, fieldErrors: { _form: ["请求无效，请刷新页面后重试"] }, values }, { status: 400 });
    const result = await voidRecord(getDb(), actorOf(user, context), { kind: "inquiry", id: id.data, reason: values.reason, version: version.data });
    if (!result.ok) return data({ intent, fieldErrors: { [result.field]: [result.message] }, values }, { status: 400 });
    return redirectWithToast("/inquiries", "专题询问已作废，可在“已作废”中查阅");
  }
  if (intent !== "stage") return data({ fieldErrors: { _form: ["未知的操作"] }, values: {} }, { status: 400 });
  const parsed = parseForm(formData, StageSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const { confirmBackwards, ...input } = parsed.data;
  const result = await setStage(getDb(), actorOf(user, context), { id: id.data, ...input, confirmBackwards: confirmBackwards === "1" });
  if (!result.ok) {
    if (result.message === "该专题询问不存在") notFound(result.message);
    // moving backwards: the page asks to confirm, keeping the choice and the reason
    if (result.field === "confirm") return data({ fieldErrors: {}, values: parsed.values, confirm: result.message }, { status: 409 });
    return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: result.field === "_form" ? 409 : 400 });
  }
  return redirectWithToast(`/inquiries/${id.data}`, `已进入「${STAGE_LABELS[parsed.data.stage]}」阶段`);
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

const STATE_LABELS = { done: "已完成", current: "当前阶段", todo: "未开始" } as const;

/** What is done and what is open in each stage, from what the system holds. */
function stageFacts({ inquiry, summary, dates, gate }: Loaded): Record<InquiryStage, { done: ReactNode[]; open: ReactNode[]; links: { to: string; label: string }[] }> {
  const f = summary.facts;
  const id = inquiry.id;
  const state = (key: InquiryStage) => summary.stages.find((s) => s.key === key)?.state ?? "todo";
  const plan: ReactNode[] = [`立项登记：${formatDateTime(inquiry.created_at)}`];
  const planOpen: ReactNode[] = [];
  if (inquiry.plan_status === "approved") plan.push(`工作方案经主任会议批准${dates.planApprovedOn ? `（${formatDate(dates.planApprovedOn)}）` : ""}`);
  else if (inquiry.plan_status === "submitted") planOpen.push(`工作方案已提请主任会议审议${dates.planSubmittedAt ? `（${formatDateTime(dates.planSubmittedAt)}）` : ""}，等待审议结果`);
  else if (inquiry.plan_status === "rejected")
    planOpen.push(`工作方案被主任会议驳回${dates.planRejectedOn ? `（${formatDate(dates.planRejectedOn)}）` : ""}，待修改后再次提请`);
  else planOpen.push(inquiry.hasPlan ? "工作方案已起草，待提请主任会议审议" : "待起草工作方案");
  // the plan gate's override: why the work went ahead without a recorded approval (app/inquiries/plan-gate.server.ts)
  if (gate.proceed) {
    plan.push(
      <span data-testid="plan-proceed-reason">
        先行开展（{formatDate(gate.proceed.on)}{gate.proceed.actorName ? `，${gate.proceed.actorName}记录` : ""}）：{gate.proceed.reason}
      </span>,
    );
  }

  const research: ReactNode[] = [];
  const researchOpen: ReactNode[] = [];
  if (f.activities > 0) research.push(`调研活动 ${f.activities} 项，梳理问题线索 ${f.findings} 条`);
  else if (state("research") !== "todo") researchOpen.push("尚未登记调研活动");
  if (f.delegations > 0) {
    research.push(`委托县区人大调研 ${f.delegations} 项，已采纳报告 ${f.delegationsAccepted} 份`);
    if (f.delegationsSubmitted > 0) researchOpen.push(`${f.delegationsSubmitted} 份县区调研报告待审阅`);
    if (f.delegationsOpen > 0) researchOpen.push(`${f.delegationsOpen} 份县区调研报告尚未提交或退回修改中`);
  }

  const generic = (key: InquiryStage): { done: ReactNode[]; open: ReactNode[] } =>
    state(key) === "done" ? { done: ["本阶段工作已完成"], open: [] } : state(key) === "current" ? { done: [], open: ["本阶段工作进行中"] } : { done: [], open: [] };
  const meeting = generic("meeting");
  if (!inquiry.meeting_date) meeting.open.unshift("询问会日期尚未确定");
  else if (state("meeting") === "todo") meeting.open.unshift(`计划于 ${formatDate(inquiry.meeting_date)} 召开询问会`);
  else meeting.done.unshift(`询问会日期：${formatDate(inquiry.meeting_date)}`);

  return {
    plan: { done: plan, open: planOpen, links: [{ to: `/inquiries/${id}/plan`, label: "工作方案与审议记录" }] },
    research: {
      done: research,
      open: researchOpen,
      links: [
        { to: `/inquiries/${id}/research`, label: "会前调研" },
        { to: `/inquiries/${id}/surveys`, label: "委托调研" },
      ],
    },
    outline: {
      ...generic("outline"),
      links: [
        { to: `/inquiries/${id}/outline`, label: "询问提纲" },
        { to: `/inquiries/${id}/outline/versions`, label: "提纲版本与审议" },
      ],
    },
    meeting: {
      ...meeting,
      links: [
        { to: `/inquiries/${id}/meeting`, label: "询问会记录" },
        { to: `/inquiries/${id}/meeting/votes`, label: "满意度测评" },
        { to: `/inquiries/${id}/digest`, label: "摘要" },
      ],
    },
    rectification: {
      ...generic("rectification"),
      links: [
        { to: `/inquiries/${id}/rectification`, label: "整改台账" },
        { to: `/inquiries/${id}/handling-report`, label: "研究处理情况报告" },
      ],
    },
    closed: { ...generic("closed"), links: [{ to: `/inquiries/${id}/close`, label: "办结" }] },
  };
}

export default function InquiryOverview() {
  const loaded = useLoaderData<typeof loader>();
  const { inquiry, summary, organizations, dates, canManage, canCorrect, chronicle } = loaded;
  const backEntry = inquiry.back_entry === 1;
  const result = useActionData<typeof action>();
  const facts = stageFacts(loaded);
  const values = (result?.values ?? {}) as Record<string, string>;
  const confirm = result && "confirm" in result ? (result.confirm as string) : null;
  const stageError = firstError(result, "stage");
  const reasonError = firstError(result, "reason");

  const keyDates: [string, string][] = [
    [backEntry ? "补录登记" : "立项登记", formatDateTime(inquiry.created_at)],
    ["工作方案提请审议", backEntry ? formatDate(dates.planSubmittedAt) : formatDateTime(dates.planSubmittedAt)],
    ["主任会议批准方案", formatDate(dates.planApprovedOn)],
    ["会前调研", dates.researchFrom ? `${formatDate(dates.researchFrom)} 至 ${formatDate(dates.researchTo)}` : ""],
    [
      "县区调研报告截止",
      dates.surveysDueFirst ? (dates.surveysDueFirst === dates.surveysDueLast ? formatDate(dates.surveysDueFirst) : `${formatDate(dates.surveysDueFirst)} 至 ${formatDate(dates.surveysDueLast)}`) : "",
    ],
    ["询问会", formatDate(inquiry.meeting_date)],
  ];

  return (
    <section className="inq-overview">
      <InquiryNav inquiry={inquiry} tab="overview" />
      <div className="page-head">
        <div>
          <h1>{inquiry.title}</h1>
          <p className="muted inq-sub">
            {[inquiry.congress, inquiry.session_name, inquiry.organizing_body].filter(Boolean).join(" · ")}
          </p>
        </div>
        <div className="inq-head-actions">
          <span className="badge inq-stage" data-testid="current-stage">
            {STAGE_LABELS[inquiry.stage]}
          </span>
          {canManage ? (
            <>
              <Link className="button secondary" to={`/inquiries/${inquiry.id}/edit`}>
                修改基本信息
              </Link>
              <Link className="button" to={`/inquiries/${inquiry.id}/plan`}>
                工作方案
              </Link>
            </>
          ) : (
            <Link to={`/inquiries/${inquiry.id}/plan`}>查看工作方案</Link>
          )}
        </div>
      </div>

      <RoundsCard rounds={loaded.rounds} currentId={inquiry.id} canStart={loaded.canStartRound} />

      <ol className="inq-timeline" aria-label="阶段进程" data-testid="stage-timeline">
        {summary.stages.map((s, i) => (
          <li key={s.key} className={`inq-step inq-step-${s.state}`} data-state={s.state} aria-current={s.state === "current" ? "step" : undefined}>
            <span className="inq-step-dot" aria-hidden="true">
              {s.state === "done" ? "✓" : i + 1}
            </span>
            <span className="inq-step-label">{s.label}</span>
            <span className="inq-step-state">{STATE_LABELS[s.state as keyof typeof STATE_LABELS]}</span>
          </li>
        ))}
      </ol>

      <div className="inq-columns">
        <div className="card">
          <h2 className="inq-card-title">基本信息</h2>
          <dl className="kv">
            <dt>询问主题</dt>
            <dd>{inquiry.topic || "—"}</dd>
            <dt>人大常委会</dt>
            <dd>{inquiry.congress}</dd>
            <dt>常委会会议</dt>
            <dd>{inquiry.session_name || "—"}</dd>
            <dt>组织单位</dt>
            <dd>{inquiry.organizing_body || "—"}</dd>
            <dt>询问会日期</dt>
            <dd>{inquiry.meeting_date ? formatDate(inquiry.meeting_date) : <span className="muted">未定</span>}</dd>
            <dt>应询部门</dt>
            <dd>{organizations.length ? organizations.map((o) => o.name).join("、") : <span className="muted">未确定</span>}</dd>
            <dt>法律依据</dt>
            <dd>{inquiry.legal_basis || "—"}</dd>
            <dt>工作方案</dt>
            <dd>
              <Link to={`/inquiries/${inquiry.id}/plan`}>{PLAN_STATUS_LABELS[inquiry.plan_status]}</Link>
            </dd>
            {inquiry.notes ? (
              <>
                <dt>备注</dt>
                <dd className="inq-prewrap">{inquiry.notes}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="card">
          <h2 className="inq-card-title">关键日期</h2>
          <dl className="kv" data-testid="key-dates">
            {keyDates.map(([label, value]) => (
              <div key={label} className="inq-kv-row">
                <dt>{label}</dt>
                <dd>{value || <span className="muted">—</span>}</dd>
              </div>
            ))}
          </dl>
          {canManage && inquiry.stage !== "closed" ? (
            <Form method="post" className="inq-stage-form" noValidate data-testid="stage-form">
              <FormError feedback={result} />
              <input type="hidden" name="intent" value="stage" />
              <input type="hidden" name="version" value={inquiry.version} />
              <p className="field-hint">阶段随工作自动推进：方案批准→会前调研，提纲下发→询问提纲，开始记录询问会或发布摘要→询问会，交办第一项整改事项→整改督办。如需更正，请选择阶段并说明理由。</p>
              <label htmlFor="f-stage" className="field-label">
                更正所处阶段
              </label>
              <select id="f-stage" name="stage" defaultValue={values.stage ?? inquiry.stage} aria-invalid={stageError ? true : undefined}>
                {MANUAL_STAGES.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                    {s.key === inquiry.stage ? "（当前）" : ""}
                  </option>
                ))}
              </select>
              {stageError ? <p className="field-error">{stageError}</p> : null}
              <label htmlFor="f-stage-reason" className="field-label">
                理由
              </label>
              <input id="f-stage-reason" name="reason" defaultValue={values.reason ?? ""} maxLength={500} aria-invalid={reasonError ? true : undefined} />
              {reasonError ? <p className="field-error">{reasonError}</p> : null}
              {confirm ? (
                <div className="inq-notice bad" role="alert" data-testid="stage-confirm">
                  <p>{confirm}</p>
                  <label>
                    <input type="checkbox" name="confirmBackwards" value="1" /> 确认退回
                  </label>
                </div>
              ) : null}
              <button type="submit" className="plain">
                更正阶段
              </button>
              <p className="field-hint">
                办结须在<Link to={`/inquiries/${inquiry.id}/close`}>办结页面</Link>核对整改事项和研究处理情况报告、填写办结记录后进行。
              </p>
            </Form>
          ) : null}
        </div>
      </div>

      {inquiry.voided_at ? <VoidedBanner what="专题询问" reason={inquiry.void_reason} at={formatDateTime(inquiry.voided_at)} /> : null}
      {backEntry ? (
        <p className="inq-notice" data-testid="back-entry-notice">
          补录：本专题询问是已开展工作的记录，各环节按实际日期录入，不发送提醒和催办。
        </p>
      ) : null}

      <div className="card">
        <h2 className="inq-card-title">大事记</h2>
        {chronicle.length === 0 ? (
          <p className="muted">尚无记录。</p>
        ) : (
          <ol className="inq-history" data-testid="chronicle">
            {chronicle.map((e, i) => (
              <li key={i} data-date={e.date}>
                <strong>{formatDate(e.date)}</strong> {e.label}
                {e.backEntered ? <span className="badge" data-testid="back-entered"> 补录</span> : null}
              </li>
            ))}
          </ol>
        )}
        {canManage ? (
          <p className="field-hint">
            <Link to={`/inquiries/${inquiry.id}/voided`}>已作废的内容</Link>
          </p>
        ) : null}
      </div>

      <h2>各阶段工作</h2>
      <div className="inq-stage-cards">
        {summary.stages.map((s) => {
          const f = facts[s.key];
          return (
            <div key={s.key} className={`card inq-stage-card inq-stage-card-${s.state}`} data-testid={`stage-${s.key}`}>
              <h3>
                {s.label}
                <span className={`badge ${s.state === "done" ? "ok" : s.state === "current" ? "warn" : "off"}`}>{STATE_LABELS[s.state as keyof typeof STATE_LABELS]}</span>
              </h3>
              {f.done.length ? (
                <ul className="inq-facts inq-facts-done" aria-label="已完成">
                  {f.done.map((d, i) => (
                    <li key={i}>{d}</li>
                  ))}
                </ul>
              ) : null}
              {f.open.length ? (
                <ul className="inq-facts inq-facts-open" aria-label="待办">
                  {f.open.map((d, i) => (
                    <li key={i}>{d}</li>
                  ))}
                </ul>
              ) : null}
              {!f.done.length && !f.open.length ? <p className="muted inq-none">尚未开始</p> : null}
              {f.links.length ? (
                <p className="inq-links">
                  {f.links.map((l) => (
                    <Link key={l.to} to={l.to}>
                      {l.label} →
                    </Link>
                  ))}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
      {canCorrect ? (
        <details className="card no-print" data-testid="void-inquiry" open={Boolean(result && "intent" in result && result.intent === "void")}>
          <summary>作废本专题询问</summary>
          <VoidForm what="专题询问" feedback={result && "intent" in result && result.intent === "void" ? result : undefined} busy={false} version={inquiry.version} />
        </details>
      ) : null}
    </section>
  );
}
