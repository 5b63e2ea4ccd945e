import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { InquiryNav } from "~/components/PageNav";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actorOf } from "~/auth/session.server";
import { FormError } from "~/components/forms";
import { getDb } from "~/db.server";
import { getInquiry, inquiryFormOptions, respondingOrganizations, updateInquiry } from "~/inquiries/inquiries.server";
import { ErrorSummary, InquiryFields, InquiryUpdateSchema } from "~/inquiries/inquiry-form";
import { notFound, requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";
import { idField } from "~/utils/ids";
import { idParam } from "~/utils/route.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `修改 ${data?.inquiry.title ?? "专题询问"} · 询问` }];

const IdSchema = idField();

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "inquiry:manage");
  const id = idParam(params.id, "该专题询问不存在");
  const db = getDb();
  const inquiry = await getInquiry(db, id);
  if (!inquiry) notFound("该专题询问不存在");
  const chosen = (await respondingOrganizations(db, inquiry.id)).map((o) => o.id);
  return {
    inquiry: {
      id: inquiry.id,
      version: inquiry.version,
      title: inquiry.title,
      topic: inquiry.topic,
      congress: inquiry.congress,
      sessionName: inquiry.session_name,
      organizingBody: inquiry.organizing_body,
      meetingDate: inquiry.meeting_date,
      legalBasis: inquiry.legal_basis,
      notes: inquiry.notes,
      respondingOrganizationIds: chosen,
      backEntry: inquiry.back_entry === 1,
    },
    options: await inquiryFormOptions(db, chosen),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "inquiry:manage");
  const id = idParam(params.id, "该专题询问不存在");
  const formData = await readFormData(request, 64 * 1024);
  const parsed = parseForm(formData, InquiryUpdateSchema);
  if (!parsed.ok) {
    const fieldErrors = parsed.fieldErrors.version ? { ...parsed.fieldErrors, _form: ["请求无效，请刷新页面后重试"] } : parsed.fieldErrors;
    return data({ fieldErrors, values: parsed.values }, { status: 400 });
  }
  const { version, ...input } = parsed.data;
  const result = await updateInquiry(getDb(), actorOf(user, context), id, version, input);
  if (!result.ok) {
    if (result.message === "该专题询问不存在") notFound(result.message);
    return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: result.field === "_form" ? 409 : 400 });
  }
  return redirectWithToast(`/inquiries/${id}`, "基本信息已保存");
}

export default function EditInquiry() {
  const { inquiry, options } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section>
      <InquiryNav inquiry={inquiry} tab="overview" trail={[{ label: "修改基本信息" }]} />
      <div className="page-head">
        <h1>修改基本信息</h1>
        <Link to={`/inquiries/${inquiry.id}`}>返回「{inquiry.title}」</Link>
      </div>
      <div className="card">
        <Form method="post" noValidate>
          <FormError feedback={feedback} />
          <ErrorSummary feedback={feedback} />
          <input type="hidden" name="version" value={inquiry.version} />
          <InquiryFields feedback={feedback} options={options} defaults={inquiry} />
          <button type="submit" disabled={busy}>
            {busy ? "正在保存…" : "保存"}
          </button>{" "}
          <Link to={`/inquiries/${inquiry.id}`}>取消</Link>
        </Form>
      </div>
    </section>
  );
}
