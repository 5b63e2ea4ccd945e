import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { createOrganization, listOrganizations, setOrganizationActive, updateOrganization } from "~/admin/organizations.server";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { ORGANIZATION_KIND_LABELS, ORGANIZATION_KINDS } from "~/labels";
import { requirePermission } from "~/policy.server";
import type { OrganizationKind } from "../../db/schema";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, optionalIdField, versionField } from "~/utils/ids";
import { treeOrder } from "~/admin/organization-tree.server";

export const meta: MetaFunction = () => [{ title: "组织机构 · 询问" }];

const nameField = z.string({ error: "请填写名称" }).trim().min(1, "请填写名称").min(2, "名称至少 2 个字").max(60, "名称不能超过 60 个字");
const kindField = z.enum(ORGANIZATION_KINDS as [OrganizationKind, ...OrganizationKind[]], { error: "请选择类别" });
const parentField = optionalIdField("请选择上级单位");
const CreateSchema = z.object({ name: nameField, kind: kindField, parentId: parentField });
const UpdateSchema = z.object({ id: idField(), version: versionField(), name: nameField, kind: kindField, parentId: parentField });
const ActiveSchema = z.object({ id: idField(), version: versionField(), active: z.enum(["0", "1"]) });

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:organizations");
  // in tree order: each organisation under its parent (上级单位), indented by depth
  const organizations = treeOrder(await listOrganizations(getDb(), { includeInactive: true }));
  return { organizations };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:organizations");
  const formData = await readFormData(request, 16 * 1024);
  const intent = String(formData.get("intent") ?? "");
  const db = getDb();
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent, target: String(formData.get("id") ?? ""), fieldErrors, values }, { status: 400 });

  if (intent === "create") {
    const parsed = parseForm(formData, CreateSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await createOrganization(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast("/admin/organizations", `已新建「${parsed.data.name}」`);
  }
  if (intent === "update") {
    const parsed = parseForm(formData, UpdateSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const result = await updateOrganization(db, actor, parsed.data);
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast("/admin/organizations", `已保存「${parsed.data.name}」`);
  }
  if (intent === "active") {
    const parsed = parseForm(formData, ActiveSchema);
    if (!parsed.ok) return refuse({ _form: ["请求无效，请刷新页面后重试"] }, {});
    const result = await setOrganizationActive(db, actor, { ...parsed.data, active: parsed.data.active === "1" });
    if (!result.ok) return refuse({ _form: [result.message] }, {});
    return redirectWithToast("/admin/organizations", parsed.data.active === "1" ? "已启用" : "已停用");
  }
  return refuse({ _form: ["未知的操作"] }, {});
}

const kindOptions = ORGANIZATION_KINDS.map((k) => ({ value: k, label: ORGANIZATION_KIND_LABELS[k] }));

export default function AdminOrganizations() {
  const { organizations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const createFeedback: FormFeedback | undefined = result?.intent === "create" ? result : undefined;
  const parentOptions = organizations.filter((o) => o.active).map((o) => ({ value: String(o.id), label: `${"　".repeat(o.depth)}${o.name}` }));
  return (
    <section>
      <h1>组织机构</h1>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>新建组织机构</h2>
        <Form method="post" noValidate>
          <FormError feedback={createFeedback} />
          <input type="hidden" name="intent" value="create" />
          <TextField name="name" label="名称" feedback={createFeedback} required maxLength={60} />
          <SelectField name="kind" label="类别" feedback={createFeedback} required emptyLabel="请选择" options={kindOptions} />
          <SelectField name="parentId" label="上级单位" feedback={createFeedback} emptyLabel="（无，顶层单位）" options={parentOptions} hint="如县直部门、乡镇的上级为县区人大常委会或县区人民政府" />
          <button type="submit">新建</button>
        </Form>
      </div>
      <table className="data">
        <thead>
          <tr>
            <th style={{ width: "45%" }}>名称与类别</th>
            <th>状态</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {organizations.map((o) => {
            const mine = result && result.intent !== "create" && result.target === String(o.id) ? result : undefined;
            return (
              <tr key={o.id} data-testid={`org-${o.id}`}>
                <td>
                  <Form method="post" className="inline-form" noValidate aria-label={`修改${o.name}`}>
                    <input type="hidden" name="intent" value="update" />
                    <input type="hidden" name="id" value={o.id} />
                    <input type="hidden" name="version" value={o.version} />
                    <span aria-hidden="true">{"　".repeat(o.depth)}</span>
                    <input name="name" aria-label="名称" defaultValue={mine?.values?.name ?? o.name} aria-invalid={mine?.fieldErrors?.name ? true : undefined} />
                    <select name="kind" aria-label="类别" defaultValue={mine?.values?.kind ?? o.kind}>
                      {kindOptions.map((k) => (
                        <option key={k.value} value={k.value}>{k.label}</option>
                      ))}
                    </select>
                    <select name="parentId" aria-label="上级单位" defaultValue={mine?.values?.parentId ?? (o.parent_id === null ? "" : String(o.parent_id))} aria-invalid={mine?.fieldErrors?.parentId ? true : undefined}>
                      <option value="">（无上级单位）</option>
                      {parentOptions.filter((p) => p.value !== String(o.id)).map((p) => (
                        <option key={p.value} value={p.value}>{p.label}</option>
                      ))}
                    </select>
                    <button type="submit" className="plain">保存</button>
                  </Form>
                  {mine?.fieldErrors?.name ? <p className="field-error">{mine.fieldErrors.name[0]}</p> : null}
                  {mine?.fieldErrors?.parentId ? <p className="field-error">{mine.fieldErrors.parentId[0]}</p> : null}
                  {mine?.fieldErrors?._form ? <p className="field-error" role="alert">{mine.fieldErrors._form[0]}</p> : null}
                </td>
                <td>{o.active ? <span className="badge ok">启用</span> : <span className="badge off">停用</span>}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="intent" value="active" />
                    <input type="hidden" name="id" value={o.id} />
                    <input type="hidden" name="version" value={o.version} />
                    <input type="hidden" name="active" value={o.active ? "0" : "1"} />
                    <button type="submit" className="plain">{o.active ? "停用" : "启用"}</button>
                  </Form>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
