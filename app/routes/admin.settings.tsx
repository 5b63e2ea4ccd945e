import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { CongressFormSchema, getCongress, getOverdueDaysSetting, OverdueDaysFormSchema, saveCongress, saveOverdueDays } from "~/settings/settings.server";
import { CONGRESS_LEVEL_LABELS, CONGRESS_LEVELS, congressTerms } from "~/settings/terms";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 系统设置 (administrator): the congress this installation serves — its name and level (issue 13). New
 * inquiries take the name, the header and public pages show it, and the examples in every form are made from it.
 */
export const meta: MetaFunction = () => [{ title: "系统设置 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:settings");
  return { congress: await getCongress(getDb()), overdue: await getOverdueDaysSetting(getDb()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:settings");
  const formData = await readFormData(request, 16 * 1024);
  if (formData.get("intent") === "overdue") {
    // 问责措施的逾期天数 (issue 21): how far past its deadline an item must be before a step is proposed
    const days = parseForm(formData, OverdueDaysFormSchema);
    if (!days.ok) return data({ intent: "overdue", fieldErrors: days.fieldErrors, values: days.values }, { status: 400 });
    const saved = await saveOverdueDays(getDb(), actorOf(user, context), days.data);
    if (!saved.ok) return data({ intent: "overdue", fieldErrors: { [saved.field]: [saved.message] }, values: days.values }, { status: 400 });
    return redirectWithToast("/admin/settings", `已保存：逾期 ${days.data.days} 天`);
  }
  const parsed = parseForm(formData, CongressFormSchema);
  if (!parsed.ok) return data({ intent: "congress", fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const result = await saveCongress(getDb(), actorOf(user, context), parsed.data);
  if (!result.ok) return data({ intent: "congress", fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast("/admin/settings", `已保存：${parsed.data.name}`);
}

export default function AdminSettings() {
  const { congress, overdue } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const feedback: FormFeedback | undefined = result?.intent === "congress" ? result : undefined;
  const overdueFeedback: FormFeedback | undefined = result?.intent === "overdue" ? result : undefined;
  const terms = congressTerms(congress);
  return (
    <section>
      <h1>系统设置</h1>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>本级人大常委会</h2>
        <p className="muted">
          本系统服务的人大常委会。新建专题询问时自动填入，显示在页面标题和公开页面上，各表单的示例（如“{terms.memberTitle}”）也据此生成。
          {congress.name ? "" : "尚未设置。"}
        </p>
        <Form method="post" noValidate>
          <FormError feedback={feedback} />
          <input type="hidden" name="version" value={congress.version} />
          <TextField name="name" label="名称" feedback={feedback} defaultValue={congress.name} required maxLength={60} hint="完整名称，以“人大常委会”结尾，如：××市人大常委会" />
          <SelectField
            name="level"
            label="层级"
            feedback={feedback}
            defaultValue={congress.level}
            required
            options={CONGRESS_LEVELS.map((l) => ({ value: l, label: CONGRESS_LEVEL_LABELS[l] }))}
          />
          <button type="submit">保存</button>
        </Form>
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>问责措施</h2>
        <p className="muted">整改事项超过整改时限达到以下天数仍未办结的，可以记录约谈、通报、提请常委会审议或移交等问责措施，并列入待我办理。</p>
        <Form method="post" noValidate aria-label="问责措施">
          <FormError feedback={overdueFeedback} />
          <input type="hidden" name="intent" value="overdue" />
          <input type="hidden" name="version" value={overdue.version} />
          <TextField name="days" label="逾期天数" idPrefix="overdue" feedback={overdueFeedback} defaultValue={String(overdue.days)} required hint="按自然日计算，0 至 365 天；默认 30 天。" />
          <button type="submit">更新逾期天数</button>
        </Form>
      </div>
    </section>
  );
}
