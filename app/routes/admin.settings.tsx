import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { CongressFormSchema, getCongress, saveCongress } from "~/settings/settings.server";
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
  return { congress: await getCongress(getDb()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:settings");
  const formData = await readFormData(request, 16 * 1024);
  const parsed = parseForm(formData, CongressFormSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const result = await saveCongress(getDb(), actorOf(user, context), parsed.data);
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast("/admin/settings", `已保存：${parsed.data.name}`);
}

export default function AdminSettings() {
  const { congress } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const feedback: FormFeedback | undefined = result;
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
    </section>
  );
}
