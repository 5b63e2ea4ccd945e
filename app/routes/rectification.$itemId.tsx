import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ChasePanel } from "~/queue/ChasePanel";
import { InquiryNav } from "~/components/PageNav";
import { PrintButton } from "~/components/icons";
import { itemNumber, itemTitle, personName } from "~/utils/names";
import { formatDatesInText } from "~/utils/time";
import { chasePanelData } from "~/queue/chase.server";
import { planSource } from "~/followup/action-plan.server";
import { itemRounds } from "~/followup/rounds.server";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { checkUploads, filesFromForm, listAttachments, UPLOAD_FORM_LIMIT_BYTES } from "~/attachments/attachments.server";
import { actorOf, requireUser } from "~/auth/session.server";
import { AttachmentField, AttachmentList } from "~/components/attachments";
import { firstError, FormError, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor, RichTextView } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import {
  canManageRectification,
  canReadInquiry,
  canReadItem,
  canReportItemProgress,
  canRequestItemClosure,
  canRequestItemExtension,
  forbidden,
  notFound,
} from "~/policy.server";
import { DepartmentChoices, ItemLightBadge, ItemStatusBadge } from "~/rectification/components";
import { EXTENSION_STATUS_LABELS, ITEM_EVENT_LABELS, lightRuleText, PROGRESS_KIND_LABELS, SOURCE_LABELS } from "~/rectification/labels";
import {
  addProgressReport,
  hasEvidence,
  itemHistory,
  itemProgressReports,
  requestClosure,
  staffActOnItem,
} from "~/rectification/progress.server";
import { decideExtension, itemExtensions, requestExtension, isExtensionOf } from "~/rectification/extensions.server";
import { calendarAround, getWarningDays, itemLight } from "~/rectification/status.server";
import { departmentOptions, getItem, itemSource, updateItem } from "~/rectification/items.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { CommentSchema, ExtensionDecisionSchema, ExtensionRequestSchema, ItemEditSchema, VersionSchema } from "~/rectification/forms.server";
import { formatDate, formatDateTime, todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";
import { canCorrectRecord } from "~/policy.server";
import { voidRecord } from "~/history/void.server";
import { BackEntryDate, ConfirmStep, VoidedBanner, VoidForm } from "~/components/history";

/**
 * One rectification item with its history: source, deadline (original and every change, who approved it),
 * progress reports with evidence, extension requests, and the actions of each role — the lead and
 * co-departments report progress; the lead requests closure and extensions; staff close, return, carry over,
 * decide extensions and correct the item. Any other department gets 403.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? itemTitle(data.item.problem) : "整改事项"} · 询问` }];

const IdSchema = idField();
const DENIED = "该整改事项不属于您所在的单位，您无权查看或办理。";

async function load(request: Request, params: { itemId?: string }) {
  const user = await requireUser(request);
  const id = IdSchema.safeParse(params.itemId);
  if (!id.success) notFound("该整改事项不存在");
  const db = getDb();
  const item = await getItem(db, id.data);
  if (!item) notFound("该整改事项不存在");
  if (!canReadItem(user, item)) forbidden(DENIED);
  // a voided item is gone for everyone but staff, who read it in the 已作废 view
  if ((item.voided_at || item.inquiry_voided_at) && !canCorrectRecord(user)) notFound("该整改事项不存在");
  return { user, db, item };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, db, item } = await load(request, params);
  const warningDays = await getWarningDays(db);
  const source = await itemSource(db, item);
  const plan = await planSource(db, item);
  // every round the item went through; another round's history only where the user may read that item
  const rounds = [];
  for (const r of await itemRounds(db, item.id)) {
    const other = r.current ? item : await getItem(db, r.id);
    const readable = !!other && canReadItem(user, other);
    rounds.push({
      id: r.id,
      number: r.number,
      roundNumber: r.round_number,
      kindLabel: r.kindLabel,
      inquiryId: r.inquiry_id,
      inquiryTitle: r.inquiry_title,
      statusLabel: r.statusLabel,
      deadline: r.deadline,
      current: r.current,
      readable,
      history: readable && !r.current ? r.history.map((e) => ({ id: e.id, at: e.at, action: e.action, actor_label: e.actor_label, comment: e.comment })) : [],
    });
  }
  const reports = await itemProgressReports(db, item.id);
  const files = await listAttachments(db, "progress_report", reports.map((r) => r.id));
  const extensions = await itemExtensions(db, item.id);
  const history = await itemHistory(db, item.id);
  const canManage = canManageRectification(user);
  const departments = canManage ? (await departmentOptions(db)).map((d) => ({ id: d.id, name: d.name })) : [];
  // a voided item (or an item of a voided inquiry) is read-only: staff open it from the 已作废 view
  const inquiryClosed = item.inquiry_stage === "closed" || item.voided_at !== null || item.inquiry_voided_at !== null;
  const chase = await chasePanelData(db, user, { type: "item", id: item.id });
  return {
    chase,
    item: {
      id: item.id,
      number: item.number,
      inquiry_id: item.inquiry_id,
      inquiry_title: item.inquiry_title,
      problem: item.problem,
      requirement: item.requirement,
      lead_department_id: item.lead_department_id,
      lead_name: item.lead_name,
      codepartments: item.codepartments,
      deadline: item.deadline,
      original_deadline: item.original_deadline,
      status: item.status,
      return_comment: item.return_comment,
      carried_over_reason: item.carried_over_reason,
      closed_at: item.closed_at,
      closing_note: item.closing_note,
      source_type: item.source_type,
      version: item.version,
      created_at: item.created_at,
      voided_at: item.voided_at,
      void_reason: item.void_reason,
      deadline_workdays: item.deadline_workdays,
      ...itemLight(item, todayInShanghai(), warningDays, item.deadline_workdays ? await calendarAround(db) : null),
    },
    source:
      source?.type === "exchange"
        ? {
            type: "exchange" as const,
            id: source.exchange.id,
            keyword: source.exchange.keyword,
            questioner: `${source.exchange.questioner_role}${source.exchange.questioner_name}`,
            question: source.exchange.question,
            department_name: source.exchange.department_name,
            responder: source.exchange.responder,
            answer: source.exchange.answer.length > 300 ? `${source.exchange.answer.slice(0, 300)}…` : source.exchange.answer,
          }
        : source?.type === "finding"
          ? { type: "finding" as const, id: source.finding.id, text: source.finding.text, activity_title: source.finding.activity_title }
          : plan
            ? { type: "plan" as const, title: plan.title, label: plan.label, paragraph: plan.paragraph }
            : null,
    reports: reports.map((r) => ({ ...r, body_text: undefined, attachments: files.filter((f) => f.owner_id === r.id) })),
    extensions,
    history,
    rounds,
    warningDays,
    hasEvidence: await hasEvidence(db, item.id),
    departments,
    inquiryClosed,
    canManage: canManage && !inquiryClosed,
    canCorrect: canCorrectRecord(user) && !inquiryClosed,
    backEntry: item.inquiry_back_entry === 1,
    canOverview: canReadInquiry(user, item.inquiry_id),
    canReport: canReportItemProgress(user, item) && !inquiryClosed,
    isLead: canRequestItemClosure(user, item) && !inquiryClosed,
    canExtend: canRequestItemExtension(user, item) && !inquiryClosed,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, db, item } = await load(request, params);
  const formData = await readFormData(request, UPLOAD_FORM_LIMIT_BYTES);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/rectification/${item.id}`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string> = {}) => data({ intent, fieldErrors, values }, { status: 400 });
  const version = VersionSchema.safeParse(formData.get("version"));

  if (intent === "progress") {
    if (!canReportItemProgress(user, item)) forbidden("只有该事项的牵头单位和配合单位可以报送整改进展。");
    const values = { body: String(formData.get("body") ?? "") };
    const body = richTextFromForm(formData, "body", { label: "整改进展", required: true });
    const uploads = await checkUploads(filesFromForm(formData, "files"));
    if (!body.ok || !uploads.ok) {
      return refuse({ ...(body.ok ? {} : { body: [body.message] }), ...(uploads.ok ? {} : { files: [uploads.message] }) }, values);
    }
    const result = await addProgressReport(db, actor, { itemId: item.id, organizationId: user.organizationId, body: body.value, files: uploads.files });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, "整改进展已报送");
  }
  if (intent === "request_closure") {
    if (!canRequestItemClosure(user, item)) forbidden("只有该事项的牵头单位可以申请销号。");
    const values = { closureBody: String(formData.get("closureBody") ?? "") };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const body = richTextFromForm(formData, "closureBody", { label: "整改完成情况", required: true });
    const uploads = await checkUploads(filesFromForm(formData, "closureFiles"));
    if (!body.ok || !uploads.ok) {
      return refuse({ ...(body.ok ? {} : { closureBody: [body.message] }), ...(uploads.ok ? {} : { closureFiles: [uploads.message] }) }, values);
    }
    const result = await requestClosure(db, actor, { itemId: item.id, version: version.data, organizationId: user.organizationId, body: body.value, files: uploads.files });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(here, "已申请销号，请等待人大工作人员审核");
  }
  if (intent === "request_extension") {
    if (!canRequestItemExtension(user, item)) forbidden("只有该事项的牵头单位可以申请延期。");
    const parsed = parseForm(formData, ExtensionRequestSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await requestExtension(db, actor, { itemId: item.id, organizationId: user.organizationId, ...parsed.data });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "延期申请已提交，请等待人大工作人员审批");
  }
  if (intent === "decide_extension") {
    if (!canManageRectification(user)) forbidden("只有人大工作人员可以审批延期申请。");
    const parsed = parseForm(formData, ExtensionDecisionSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    if (!(await isExtensionOf(db, item.id, parsed.data.extensionId))) notFound("该延期申请不存在");
    const result = await decideExtension(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, parsed.data.decision === "approve" ? "已批准延期，整改时限已更新" : "已决定不予延期");
  }
  if (intent === "close" || intent === "return" || intent === "carry_over" || intent === "undo_close" || intent === "undo_carry_over") {
    const undo = intent === "undo_close" || intent === "undo_carry_over";
    if (undo ? !canCorrectRecord(user) : !canManageRectification(user)) forbidden("只有人大工作人员可以销号、退回、结转或撤销整改事项。");
    const values = { comment: String(formData.get("comment") ?? ""), on: String(formData.get("on") ?? ""), version: String(formData.get("version") ?? "") };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const comment = CommentSchema.safeParse(formData.get("comment") ?? undefined);
    if (!comment.success) return refuse({ comment: [comment.error.issues[0]?.message ?? "意见无效"] }, values);
    const result = await staffActOnItem(db, actor, {
      itemId: item.id,
      version: version.data,
      action: intent,
      comment: comment.data,
      confirmed: formData.get("confirmed") === "1",
      on: values.on,
    });
    if (!result.ok && result.field === "confirm") return data({ intent, fieldErrors: {}, values, confirm: result.message }, { status: 409 });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    const done: Record<typeof intent, string> = {
      close: `「${itemTitle(item.problem, 20)}」已销号`,
      return: "已退回销号申请",
      carry_over: `「${itemTitle(item.problem, 20)}」已结转`,
      undo_close: `已撤销「${itemTitle(item.problem, 20)}」的销号`,
      undo_carry_over: `已撤销「${itemTitle(item.problem, 20)}」的结转`,
    };
    return redirectWithToast(here, done[intent]);
  }
  if (intent === "void") {
    if (!canCorrectRecord(user)) forbidden("只有人大工作人员可以作废整改事项。");
    const values = { reason: String(formData.get("reason") ?? "") };
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, values);
    const result = await voidRecord(db, actor, { kind: "item", id: item.id, reason: values.reason, version: version.data });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, values);
    return redirectWithToast(`/inquiries/${item.inquiry_id}/rectification`, `「${itemTitle(item.problem, 20)}」已作废`);
  }
  if (intent === "edit") {
    if (!canManageRectification(user)) forbidden("只有人大工作人员可以修改整改事项。");
    const parsed = parseForm(formData, ItemEditSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await updateItem(db, actor, { id: item.id, ...parsed.data });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "整改事项已修改");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] });
}

export default function ItemPage() {
  const loaded = useLoaderData<typeof loader>();
  const { item, source, reports, extensions, history, warningDays, hasEvidence: evidence, departments, canManage, canOverview, canReport, isLead, canExtend, inquiryClosed, canCorrect, backEntry } = loaded;
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const feedbackFor = (...intents: string[]): FormFeedback | undefined => (result && intents.includes(result.intent) ? result : undefined);
  const open = item.status === "todo" || item.status === "in_progress" || item.status === "closure_requested";
  const pending = extensions.find((e) => e.status === "pending");
  const approved = extensions.filter((e) => e.status === "approved");
  const confirm = result && "confirm" in result && typeof result.confirm === "string" ? { question: result.confirm, intent: result.intent, values: result.values as Record<string, string> } : null;
  return (
    <section className="rs-page rect-page print-document">
      <InquiryNav inquiry={{ id: item.inquiry_id, title: item.inquiry_title }} tab="rectification" trail={[{ label: itemNumber(item.number) }]} />
      <div className="page-head">
        <div>
          <p className="muted inq-sub" data-testid="item-number">{itemNumber(item.number)}整改事项 · {item.inquiry_title}</p>
          <h1 data-testid="item-title">{itemTitle(item.problem, 60)}</h1>
        </div>
        <div className="rs-status-box" data-testid="item-status-box">
          <PrintButton />
          <ItemStatusBadge status={item.status} /> <ItemLightBadge light={item.light} daysLeft={item.daysLeft} dayUnit={item.dayUnit} />
        </div>
      </div>

      {item.voided_at ? <VoidedBanner what="整改事项" reason={item.void_reason} at={formatDateTime(item.voided_at)} /> : null}
      {confirm ? <ConfirmStep question={confirm.question} intent={confirm.intent} values={confirm.values} busy={busy} /> : null}

      {item.status === "in_progress" && item.return_comment ? (
        <div className="rs-returned" role="note" data-testid="return-comment">
          <strong>销号申请被退回：</strong>
          <span className="rs-pre">{item.return_comment}</span>
          {isLead ? <p className="rs-small">请按意见继续整改、补充佐证材料后重新申请销号。</p> : null}
        </div>
      ) : null}

      <div className="card">
        <dl className="kv rect-kv">
          <dt>问题</dt>
          <dd className="rs-pre" data-testid="item-problem">{item.problem}</dd>
          <dt>整改要求</dt>
          <dd className="rs-pre">{item.requirement || "—"}</dd>
          <dt>牵头单位</dt>
          <dd data-testid="item-lead">{item.lead_name}</dd>
          <dt>配合单位</dt>
          <dd data-testid="item-co">{item.codepartments.length ? item.codepartments.map((c) => c.name).join("、") : "—"}</dd>
          <dt>整改时限</dt>
          <dd data-testid="item-deadline">
            {formatDate(item.deadline)}
            {item.deadline_workdays ? <span className="muted">（按 {item.deadline_workdays} 个工作日设定）</span> : null}
            {item.deadline !== item.original_deadline ? <span className="muted">（原定 {formatDate(item.original_deadline)}，经批准延期）</span> : null}
          </dd>
          <dt>来源</dt>
          <dd data-testid="item-source">
            {source?.type === "exchange" ? (
              <>
                {SOURCE_LABELS.exchange}
                {source.keyword ? `【${source.keyword}】` : ""}：{source.questioner}询问{source.department_name ? `，${source.department_name}${source.responder ? source.responder.replace(source.department_name, "") : ""}应询` : ""}
                {canOverview ? <> · <Link to={`/inquiries/${item.inquiry_id}/meeting#segment-${source.id}`}>查看询问会记录</Link></> : null}
                <blockquote className="rect-quote">{source.question}</blockquote>
                {source.answer ? (
                  <details className="rs-brief">
                    <summary>应询答复</summary>
                    <p className="rs-pre rs-small">{source.answer}</p>
                  </details>
                ) : null}
              </>
            ) : source?.type === "finding" ? (
              <>
                {SOURCE_LABELS.finding}
                {source.activity_title ? `（${source.activity_title}）` : ""}
                <blockquote className="rect-quote">{source.text}</blockquote>
              </>
            ) : source?.type === "plan" ? (
              <>
                {SOURCE_LABELS.plan}《{source.title}》{source.label}
                <blockquote className="rect-quote rs-pre" data-testid="item-plan-paragraph">{source.paragraph}</blockquote>
              </>
            ) : (
              SOURCE_LABELS.manual
            )}
          </dd>
          {item.status === "closed" ? (
            <>
              <dt>销号</dt>
              <dd>
                {formatDateTime(item.closed_at)}
                {item.closing_note ? `：${item.closing_note}` : ""}
              </dd>
            </>
          ) : null}
          {item.status === "carried_over" ? (
            <>
              <dt>结转理由</dt>
              <dd className="rs-pre">{item.carried_over_reason}</dd>
            </>
          ) : null}
        </dl>
        <p className="muted rs-small">{lightRuleText(warningDays)}</p>
      </div>

      <h2>整改时限变更</h2>
      <table className="data rs-table stack" data-testid="deadline-history">
        <thead>
          <tr>
            <th style={{ width: "11em" }}>原整改时限</th>
            <th style={{ width: "11em" }}>申请延至</th>
            <th>理由</th>
            <th style={{ width: "8em" }}>申请人</th>
            <th style={{ width: "16em" }}>审批</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td colSpan={5} className="muted rs-small">交办时确定的整改时限：{formatDate(item.original_deadline)}{approved.length === 0 ? "（未变更）" : ""}</td>
          </tr>
          {extensions.map((e) => (
            <tr key={e.id} data-testid={`extension-${e.id}`}>
              <td data-label="原整改时限">{formatDate(e.old_deadline)}</td>
              <td data-label="申请延至">{formatDate(e.requested_deadline)}</td>
              <td data-label="理由" className="rs-pre">{e.reason}</td>
              <td data-label="申请人">{e.requested_by_name ?? "—"}<div className="muted rs-small">{formatDateTime(e.created_at)}</div></td>
              <td data-label="审批">
                <span className={`badge ${e.status === "approved" ? "ok" : e.status === "denied" ? "bad" : "warn"}`}>{EXTENSION_STATUS_LABELS[e.status]}</span>
                {e.decided_by_name ? <div className="rs-small">{e.decided_by_name} · {formatDateTime(e.decided_at)}</div> : null}
                {e.decision_note ? <div className="rs-small rs-pre">{e.decision_note}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {canManage && pending ? (
        <div className="card rect-decide" data-testid="decide-extension">
          <h2 className="rs-card-title">审批延期申请</h2>
          <p className="rs-small">
            牵头单位申请将整改时限由 {formatDate(pending.old_deadline)} 延至 <strong>{formatDate(pending.requested_deadline)}</strong>。理由：{pending.reason}
          </p>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("decide_extension")} />
            <input type="hidden" name="intent" value="decide_extension" />
            <input type="hidden" name="extensionId" value={pending.id} />
            <TextAreaField name="note" label="审批意见" feedback={feedbackFor("decide_extension")} hint="不予批准时必填" maxLength={2000} />
            <div className="rs-buttons">
              <button type="submit" name="decision" value="approve" disabled={busy}>批准延期</button>
              <button type="submit" name="decision" value="deny" className="secondary" disabled={busy}>不予批准</button>
            </div>
          </Form>
        </div>
      ) : null}

      {canManage && backEntry && open && item.status !== "closure_requested" ? (
        <div className="card" data-testid="back-entry-close">
          <h2 className="rs-card-title">补录销号</h2>
          <p className="muted rs-small">补录的专题询问：按实际销号日期记录已完成的销号，佐证材料以纸质档案为准。</p>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("close")} />
            <input type="hidden" name="intent" value="close" />
            <input type="hidden" name="version" value={item.version} />
            <BackEntryDate label="销号日期" feedback={feedbackFor("close")} />
            <TextAreaField idPrefix="f-beclose" name="comment" label="销号依据" feedback={feedbackFor("close")} rows={2} required maxLength={2000} />
            <button type="submit" disabled={busy}>补录销号</button>
          </Form>
        </div>
      ) : null}

      {canManage && item.status === "closure_requested" ? (
        <div className="card" data-testid="review-closure">
          <h2 className="rs-card-title">审核销号申请</h2>
          {!evidence ? <p className="inq-notice bad">该事项尚无附佐证材料的整改进展，不能销号。</p> : <p className="muted rs-small">请核对下方整改进展及佐证材料。</p>}
          <FormError feedback={feedbackFor("close", "return")} />
          <div className="rs-review">
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="close" />
              <input type="hidden" name="version" value={item.version} />
              {backEntry ? <BackEntryDate label="销号日期" feedback={feedbackFor("close")} /> : null}
              <TextAreaField idPrefix="f-close" name="comment" label="销号意见" feedback={feedbackFor("close")} rows={2} maxLength={2000} />
              <button type="submit" disabled={busy || (!evidence && !backEntry)}>同意销号</button>
            </Form>
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="return" />
              <input type="hidden" name="version" value={item.version} />
              <TextAreaField idPrefix="f-return" name="comment" label="退回意见" feedback={feedbackFor("return")} rows={2} required maxLength={2000} />
              <button type="submit" className="secondary" disabled={busy}>退回</button>
            </Form>
          </div>
        </div>
      ) : null}

      {canReport && open ? (
        <div className="card" data-testid="progress-form">
          <h2 className="rs-card-title">报送整改进展</h2>
          <Form method="post" encType="multipart/form-data" noValidate key={`progress-${reports.length}`}>
            <FormError feedback={feedbackFor("progress")} />
            <input type="hidden" name="intent" value="progress" />
            <RichTextEditor name="body" label="整改进展" required defaultValue={feedbackFor("progress")?.values?.body ?? ""} error={firstError(feedbackFor("progress"), "body")} rows={6} />
            <AttachmentField label="佐证材料" error={firstError(feedbackFor("progress"), "files")} />
            <button type="submit" disabled={busy}>报送进展</button>
          </Form>
        </div>
      ) : null}

      {isLead && item.status === "in_progress" ? (
        <div className="card" data-testid="closure-form">
          <h2 className="rs-card-title">申请销号</h2>
          <p className="muted rs-small">整改完成后由牵头单位申请销号。须有佐证材料：可在此上传，或此前的整改进展中已附佐证材料{evidence ? "（本事项已有佐证材料）" : "（本事项尚无佐证材料，请上传）"}。</p>
          <Form method="post" encType="multipart/form-data" noValidate>
            <FormError feedback={feedbackFor("request_closure")} />
            <input type="hidden" name="intent" value="request_closure" />
            <input type="hidden" name="version" value={item.version} />
            <RichTextEditor
              name="closureBody"
              label="整改完成情况"
              required
              defaultValue={feedbackFor("request_closure")?.values?.closureBody ?? ""}
              error={firstError(feedbackFor("request_closure"), "closureBody")}
              rows={5}
            />
            <AttachmentField name="closureFiles" label="佐证材料" error={firstError(feedbackFor("request_closure"), "closureFiles")} />
            <button type="submit" disabled={busy}>申请销号</button>
          </Form>
        </div>
      ) : null}

      {canExtend && (item.status === "todo" || item.status === "in_progress") ? (
        <div className="card" data-testid="extension-form">
          <h2 className="rs-card-title">申请延期</h2>
          {pending ? (
            <p className="muted">已申请延至 {formatDate(pending.requested_deadline)}，等待人大工作人员审批。</p>
          ) : (
            <Form method="post" noValidate>
              <FormError feedback={feedbackFor("request_extension")} />
              <input type="hidden" name="intent" value="request_extension" />
              <TextField name="requestedDeadline" label="新的整改时限" type="date" feedback={feedbackFor("request_extension")} required hint={`现行整改时限：${formatDate(item.deadline)}`} />
              <TextAreaField name="reason" label="延期理由" feedback={feedbackFor("request_extension")} required maxLength={2000} />
              <button type="submit" className="secondary" disabled={busy}>提交延期申请</button>
            </Form>
          )}
        </div>
      ) : null}

      <h2>整改进展（{reports.length}）</h2>
      {reports.length === 0 ? (
        <p className="muted">尚未报送整改进展。</p>
      ) : (
        <ol className="rect-reports" data-testid="progress-reports">
          {reports.map((r) => (
            <li key={r.id} className={`rect-report rect-report-${r.kind}`} data-testid={`report-${r.id}`}>
              <div className="rect-report-head">
                <strong>{r.organization_name}</strong>
                <span className={`badge ${r.kind === "closure_request" ? "rect-requested" : ""}`}>{PROGRESS_KIND_LABELS[r.kind]}</span>
                <span className="muted rs-small">{formatDateTime(r.created_at)}{r.author_name ? ` · ${r.author_name}` : ""}</span>
              </div>
              <RichTextView html={r.body_html} />
              {r.attachments.length ? (
                <div className="rs-small">
                  佐证材料：
                  <AttachmentList files={r.attachments} />
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}

      {canManage && open ? (
        <details className="card rs-edit no-print" data-testid="staff-more">
          <summary>修改事项或结转</summary>
          <h3>修改事项</h3>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("edit")} />
            <input type="hidden" name="intent" value="edit" />
            <input type="hidden" name="version" value={item.version} />
            <TextAreaField name="problem" label="问题" feedback={feedbackFor("edit")} defaultValue={item.problem} required rows={4} maxLength={2000} />
            <TextAreaField name="requirement" label="整改要求" feedback={feedbackFor("edit")} defaultValue={item.requirement} maxLength={2000} />
            <SelectField
              name="leadDepartmentId"
              label="牵头单位"
              options={departments.map((d) => ({ value: d.id, label: d.name }))}
              feedback={feedbackFor("edit")}
              defaultValue={item.lead_department_id}
              required
            />
            <DepartmentChoices departments={departments} chosen={item.codepartments.map((c) => c.id)} feedback={feedbackFor("edit")} />
            <button type="submit" className="secondary" disabled={busy}>保存修改</button>
          </Form>
          <h3>结转</h3>
          <p className="muted rs-small">整改需跨越本次询问周期、转入长效跟踪的事项，可结转；结转后事项不再变动。</p>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("carry_over")} />
            <input type="hidden" name="intent" value="carry_over" />
            <input type="hidden" name="version" value={item.version} />
            {backEntry ? <BackEntryDate label="结转日期" feedback={feedbackFor("carry_over")} /> : null}
            <TextAreaField idPrefix="f-carry" name="comment" label="结转理由" feedback={feedbackFor("carry_over")} required maxLength={2000} />
            <button type="submit" className="secondary" disabled={busy}>结转</button>
          </Form>
        </details>
      ) : null}

      {canCorrect && (item.status === "closed" || item.status === "carried_over") ? (
        <div className="card no-print" data-testid="undo-form">
          <h2 className="rs-card-title">{item.status === "closed" ? "撤销销号" : "撤销结转"}</h2>
          <p className="muted rs-small">{item.status === "closed" ? "销号有误时可撤销，事项回到「整改中」。" : "结转有误时可撤销，事项回到整改状态。"}撤销理由记入办理记录和操作日志。</p>
          <Form method="post" noValidate>
            <FormError feedback={feedbackFor("undo_close", "undo_carry_over")} />
            <input type="hidden" name="intent" value={item.status === "closed" ? "undo_close" : "undo_carry_over"} />
            <input type="hidden" name="version" value={item.version} />
            <TextAreaField idPrefix="f-undo" name="comment" label="撤销理由" feedback={feedbackFor("undo_close", "undo_carry_over")} required rows={2} maxLength={2000} />
            <button type="submit" className="secondary" disabled={busy}>{item.status === "closed" ? "撤销销号" : "撤销结转"}</button>
          </Form>
        </div>
      ) : null}

      {canCorrect ? (
        <details className="card rs-edit no-print" data-testid="void-item" open={Boolean(feedbackFor("void"))}>
          <summary>作废本事项</summary>
          <VoidForm what="整改事项" feedback={feedbackFor("void")} busy={busy} version={item.version} />
        </details>
      ) : null}

      {inquiryClosed && !item.voided_at ? <p className="muted">该专题询问已办结，本事项仅供查阅。</p> : null}

      <ChasePanel data={loaded.chase} />

      {loaded.rounds.length > 1 ? (
        <div className="card" data-testid="item-rounds">
          <h2 className="rs-card-title">历经轮次</h2>
          <ol className="rs-small">
            {loaded.rounds.map((r) => (
              <li key={r.id}>
                第 {r.roundNumber} 轮 · {r.kindLabel}「{r.inquiryTitle}」第 {r.number} 项 · {r.statusLabel} · 时限 {formatDate(r.deadline)}
                {r.current ? "（本项）" : r.readable ? <> · <Link to={`/rectification/${r.id}`}>查看</Link></> : null}
                {r.history.length ? (
                  <details className="rs-brief">
                    <summary>该轮办理记录（{r.history.length} 条）</summary>
                    <ul>
                      {r.history.map((e) => (
                        <li key={e.id}>
                          {formatDateTime(e.at)} {ITEM_EVENT_LABELS[e.action] ?? e.action} · {e.actor_label}
                          {e.comment ? `：${e.comment}` : ""}
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}

      <h2>办理记录</h2>
      {loaded.canManage || loaded.canOverview ? (
        <p className="rs-small no-print">
          <Link to={`/inquiries/${item.inquiry_id}/accountability${loaded.canManage ? `?item=${item.id}#record` : ""}`}>{loaded.canManage ? "记录问责措施（约谈、通报、提请审议、移交）" : "问责措施"}</Link>
        </p>
      ) : null}
      <table className="data stack" data-testid="history">
        <thead>
          <tr>
            <th style={{ width: "13em" }}>时间</th>
            <th style={{ width: "8em" }}>环节</th>
            <th style={{ width: "16em" }}>办理人</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody>
          {history.map((e) => (
            <tr key={e.id}>
              <td data-label="时间">{e.back_entered ? <>{formatDate(e.at)} <span className="badge" data-testid="back-entered">补录</span></> : formatDateTime(e.at)}</td>
              <td data-label="环节">{ITEM_EVENT_LABELS[e.action] ?? e.action}</td>
              <td data-label="办理人">{personName(e.actor_label)}</td>
              <td data-label="说明" className="rs-pre">{formatDatesInText(e.comment) || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
