import { PiiNotice } from "~/insight/PiiNotice";
import { publicationHits } from "~/insight/pii.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { PrintButton } from "~/components/icons";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { firstError, FormError, TextField, type FormFeedback } from "~/components/forms";
import { RichTextEditor } from "~/components/RichTextEditor";
import { getDb } from "~/db.server";
import { BackEntryDate, ConfirmStep, confirmOf } from "~/components/history";
import { confirmAnswer, confirmedIn } from "~/history/confirm.server";
import { dateContext } from "~/history/dates.server";
import { DigestView } from "~/meeting/components/DigestView";
import { buildDigest, parseKinds, setDigestPublished, updateDigest } from "~/meeting/digest.server";
import { DigestSchema } from "~/meeting/schemas.server";
import { loadInquiryMeeting } from "~/meeting/forms.server";
import { SEGMENT_KIND_LABELS, SEGMENT_KINDS } from "~/meeting/labels";
import { canManageMeeting, canReadMeetingRecord, forbidden, notFound } from "~/policy.server";
import { richTextFromForm } from "~/richtext/richtext.server";
import { fields, parseForm, readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import type { SegmentKind } from "../../db/schema";

/**
 * 摘要: generated from the meeting record, grouped by keyword. Staff edit the title, reporter line, intro and
 * closing, choose which segment kinds appear, and publish or withdraw it; the preview below is exactly what
 * /public/inquiries/:id shows once published. Members read it.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `询问会摘要 · ${data?.inquiry.title ?? "专题询问"} · 询问` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canReadMeetingRecord(user, inquiry.id)) {
    if (meeting?.digest_published_at) throw redirect(`/public/inquiries/${inquiry.id}`);
    forbidden("询问会摘要发布前仅供人大工作人员和委员查阅。");
  }
  if (!meeting) notFound("该询问会尚未设置，暂无摘要");
  const digest = (await buildDigest(db, inquiry.id))!;
  const hits = canManageMeeting(user) ? await publicationHits(db, inquiry.id, "digest") : [];
  return {
    pii: { open: hits.filter((h) => h.decision === null).length, total: hits.length },
    inquiry: { id: inquiry.id, title: inquiry.title },
    backEntry: (await dateContext(db, inquiry.id)).backEntry,
    canManage: canManageMeeting(user),
    edit: {
      title: meeting.digest_title,
      reporter: meeting.digest_reporter,
      intro: meeting.digest_intro_json,
      closing: meeting.digest_closing_json,
      kinds: parseKinds(meeting.digest_segment_kinds),
      version: meeting.version,
    },
    digest,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const { user, inquiry, meeting } = await loadInquiryMeeting(db, request, params);
  if (!canManageMeeting(user)) forbidden("只有人大工作人员可以编辑和发布摘要。");
  if (!meeting) notFound("该询问会尚未设置");
  const formData = await readFormData(request);
  const intent = String(formData.get("intent") ?? "");
  const actor = actorOf(user, context);
  const here = `/inquiries/${inquiry.id}/digest`;
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string> = {}) => data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "save") {
    const parsed = parseForm(formData, DigestSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const intro = richTextFromForm(formData, "intro", { label: "导语" });
    const closing = richTextFromForm(formData, "closing", { label: "结语" });
    if (!intro.ok || !closing.ok) {
      return refuse({ ...(intro.ok ? {} : { intro: [intro.message] }), ...(closing.ok ? {} : { closing: [closing.message] }) }, parsed.values);
    }
    const result = await updateDigest(db, actor, inquiry.id, parsed.data.version, {
      title: parsed.data.title,
      reporter: parsed.data.reporter,
      intro: intro.value,
      closing: closing.value,
      kinds: parsed.data.kinds as SegmentKind[],
    });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(here, "摘要已保存");
  }
  if (intent === "publish" || intent === "unpublish") {
    const version = fields.version().safeParse(formData.get("version"));
    if (!version.success) return refuse({ _form: ["请求无效，请刷新页面后重试"] });
    const on = String(formData.get("on") ?? "");
    const result = await setDigestPublished(db, actor, inquiry.id, version.data, intent === "publish", { confirmed: confirmedIn(formData), on });
    if (!result.ok && result.field === "confirm") return confirmAnswer(intent, formData, result.message);
    if (!result.ok) return refuse(result.field === "on" ? { on: [result.message] } : { _form: [result.message] }, { on });
    return redirectWithToast(here, intent === "publish" ? "摘要已公开发布" : "摘要已撤回，公众不再能看到");
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] });
}

export default function DigestPage() {
  const { inquiry, canManage, edit, digest, pii, backEntry } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const fb = (intents: string[]): FormFeedback | undefined => (result && intents.includes(result.intent) ? result : undefined);
  const saveFb = fb(["save"]);
  const published = !!digest.publishedAt;
  const confirm = confirmOf(result, ["publish", "unpublish"]);
  const keptKinds = saveFb?.values ? new Set((saveFb.values.kinds ?? "").split("\n")) : new Set<string>(edit.kinds);
  return (
    <section className="dg-page print-document">
      <InquiryNav inquiry={inquiry} tab="digest" />
      <div className="page-head no-print">
        <div>
          <h1>询问会摘要</h1>
        </div>
        <div className="mt-head-links">
          <span className={`badge ${published ? "ok" : ""}`} data-testid="digest-status">{published ? `已公开发布（${formatDateTime(digest.publishedAt)}）` : "未发布"}</span>
          {published ? <Link to={`/public/inquiries/${inquiry.id}`} className="button secondary">公开页面</Link> : null}
          <a href={`/inquiries/${inquiry.id}/digest.docx`} className="button secondary" download>下载 Word</a>
          <PrintButton />
        </div>
      </div>

      {canManage ? (
        <div className="card no-print">
          <FormError feedback={fb(["publish", "unpublish"])} />
          {confirm ? <ConfirmStep question={confirm.question} intent={confirm.intent} values={confirm.values} busy={busy} /> : null}
          <Form method="post" className="dg-publish" noValidate>
            <input type="hidden" name="version" value={edit.version} />
            {published ? (
              <>
                <p>摘要已在公开页面发布，任何人无需登录即可查看。</p>
                <PiiNotice inquiryId={inquiry.id} scope="digest" open={pii.open} total={pii.total} />
                <button type="submit" name="intent" value="unpublish" className="secondary" disabled={busy}>撤回发布</button>
              </>
            ) : (
              <>
                <p>摘要尚未发布，只有人大工作人员和委员可以看到。</p>
                <PiiNotice inquiryId={inquiry.id} scope="digest" open={pii.open} total={pii.total} />
                {backEntry ? <BackEntryDate label="发布日期" feedback={fb(["publish"])} /> : null}
                <button type="submit" name="intent" value="publish" disabled={busy}>公开发布</button>
              </>
            )}
          </Form>
          <details className="rs-edit" open={!!saveFb}>
            <summary>编辑标题、导语、结语和收录内容</summary>
            <Form method="post" noValidate key={edit.version}>
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="version" value={edit.version} />
              <FormError feedback={saveFb} />
              <TextField name="title" label="摘要标题" feedback={saveFb} defaultValue={edit.title} maxLength={200} hint={`不填则为“${inquiry.title}摘要”`} />
              <TextField name="reporter" label="署名" feedback={saveFb} defaultValue={edit.reporter} maxLength={100} hint="例如：本报记者 ××× 整理" />
              <RichTextEditor name="intro" label="导语" defaultValue={saveFb?.values?.intro ?? edit.intro} error={firstError(saveFb, "intro")} rows={6} />
              <fieldset className="dg-kinds" aria-invalid={firstError(saveFb, "kinds") ? true : undefined}>
                <legend>摘要收录的内容</legend>
                {SEGMENT_KINDS.map((k) => (
                  <label key={k}>
                    <input type="checkbox" name="kinds" value={k} defaultChecked={keptKinds.has(k)} /> {SEGMENT_KIND_LABELS[k]}
                  </label>
                ))}
                {firstError(saveFb, "kinds") ? <p className="field-error">{firstError(saveFb, "kinds")}</p> : null}
              </fieldset>
              <RichTextEditor name="closing" label="结语" defaultValue={saveFb?.values?.closing ?? edit.closing} error={firstError(saveFb, "closing")} rows={4} />
              <button type="submit" disabled={busy}>保存摘要</button>
            </Form>
          </details>
        </div>
      ) : null}

      <h2 className="no-print">预览（{digest.groups.length} 个关键词，{digest.exchangeCount} 轮问答）</h2>
      <div className="card dg-paper">
        <DigestView digest={digest} />
      </div>
    </section>
  );
}
