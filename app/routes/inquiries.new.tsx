import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf } from "~/auth/session.server";
import { FormError } from "~/components/forms";
import { getDb } from "~/db.server";
import { createInquiry, inquiryFormOptions } from "~/inquiries/inquiries.server";
import { DEFAULT_LEGAL_BASIS, ErrorSummary, InquiryCreateSchema, InquiryFields } from "~/inquiries/inquiry-form";
import { requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "新建专题询问 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "inquiry:manage");
  return { options: await inquiryFormOptions(getDb()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "inquiry:manage");
  const formData = await readFormData(request, 64 * 1024);
  const parsed = parseForm(formData, InquiryCreateSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const result = await createInquiry(getDb(), actorOf(user, context), parsed.data);
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/inquiries/${result.id}`, `已新建专题询问「${parsed.data.title}」，请继续起草工作方案`);
}

export default function NewInquiry() {
  const { options } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section>
      <div className="page-head">
        <h1>新建专题询问</h1>
        <Link to="/inquiries">返回专题询问列表</Link>
      </div>
      <div className="card">
        <Form method="post" noValidate>
          <FormError feedback={feedback} />
          <ErrorSummary feedback={feedback} />
          <InquiryFields
            feedback={feedback}
            options={options}
            defaults={{
              title: "",
              topic: "",
              congress: options.defaultCongress,
              sessionName: "",
              organizingBody: "",
              meetingDate: null,
              legalBasis: DEFAULT_LEGAL_BASIS,
              notes: "",
              respondingOrganizationIds: [],
            }}
          />
          <button type="submit" disabled={busy}>
            {busy ? "正在保存…" : "新建"}
          </button>
        </Form>
      </div>
    </section>
  );
}
