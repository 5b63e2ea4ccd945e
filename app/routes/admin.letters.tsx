import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { PrefixSchema, TemplateSchema } from "~/documents/forms.server";
import { LETTER_PLACEHOLDERS } from "~/documents/letter-kinds";
import { getLetterPrefix, getLetterTemplates, saveLetterTemplate, setLetterPrefix } from "~/documents/letters.server";
import { requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 公文模板: the administrator edits each kind of letter's title and body (with {占位符}) and the 发文字号's
 * 机关代字. Saved templates apply to letters made afterwards; letters already made keep their text.
 */
export const meta: MetaFunction = () => [{ title: "公文模板 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:documents");
  const db = getDb();
  const [templates, prefix] = await Promise.all([getLetterTemplates(db), getLetterPrefix(db)]);
  return { templates, prefix, placeholders: Object.entries(LETTER_PLACEHOLDERS), year: new Date().getFullYear() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:documents");
  const form = await readFormData(request, 64 * 1024);
  const intent = String(form.get("intent") ?? "");
  const db = getDb();
  const actor = actorOf(user, context);
  if (intent === "prefix") {
    const parsed = parseForm(form, PrefixSchema);
    if (!parsed.ok) return data({ target: "prefix", fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
    const r = await setLetterPrefix(db, actor, parsed.data.prefix);
    if (!r.ok) return data({ target: "prefix", fieldErrors: { [r.field]: [r.message] }, values: parsed.values }, { status: 400 });
    return redirectWithToast("/admin/letters", "发文机关代字已保存");
  }
  const kind = String(form.get("kind") ?? "");
  const parsed = parseForm(form, TemplateSchema);
  if (!parsed.ok) return data({ target: kind, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const r = await saveLetterTemplate(db, actor, parsed.data);
  if (!r.ok) return data({ target: kind, fieldErrors: { [r.field]: [r.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/admin/letters#template-${kind}`, "模板已保存");
}

export default function LetterTemplatesPage() {
  const { templates, prefix, placeholders, year } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormFeedback & { target?: string }) | undefined;
  const feedbackFor = (target: string) => (result?.target === target ? result : undefined);
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>公文模板</h1>
          <p className="muted">
            交办函、督办函、催办函和审议意见书按这里的模板生成，版式符合 GB/T 9704—2012。另见 <Link to="/admin/calendar">节假日安排</Link>。
          </p>
        </div>
      </div>

      <div className="card" data-testid="prefix-form">
        <h2>发文字号</h2>
        <Form method="post" noValidate key={prefix}>
          <input type="hidden" name="intent" value="prefix" />
          <FormError feedback={feedbackFor("prefix")} />
          <TextField name="prefix" label="发文机关代字" feedback={feedbackFor("prefix")} defaultValue={prefix} required maxLength={20} hint={`文号形如“${prefix}〔${year}〕1号”，每年从 1 号起连续编号`} />
          <button type="submit">保存</button>
        </Form>
      </div>

      <details className="card">
        <summary>可用的占位符</summary>
        <dl className="kv">
          {placeholders.map(([key, meaning]) => (
            <div key={key}>
              <dt>{`{${key}}`}</dt>
              <dd>{meaning}</dd>
            </div>
          ))}
        </dl>
      </details>

      {templates.map((t) => {
        const feedback = feedbackFor(t.kind);
        return (
          <div className="card" key={`${t.kind}-${t.version}`} id={`template-${t.kind}`} data-testid={`template-${t.kind}`}>
            <h2>{t.label}</h2>
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="template" />
              <input type="hidden" name="kind" value={t.kind} />
              <input type="hidden" name="version" value={t.version} />
              <FormError feedback={feedback} />
              <TextField name="title" label="标题" feedback={feedback} defaultValue={t.title} required maxLength={200} idPrefix={t.kind} />
              <TextAreaField name="body" label="正文（每行一段；{清单} 单独一行）" feedback={feedback} defaultValue={t.body} required rows={8} maxLength={5000} idPrefix={t.kind} />
              <button type="submit">保存模板</button>
            </Form>
          </div>
        );
      })}
    </section>
  );
}
