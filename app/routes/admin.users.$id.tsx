import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { UserFields, UserProfileSchema } from "~/admin/user-form";
import { getUser, resetPassword, setUserActive, updateUser, organizationOptions } from "~/admin/users.server";
import { actorOf } from "~/auth/session.server";
import { FormError, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { ROLE_LABELS } from "~/labels";
import { notFound, requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";
import { idField, versionField } from "~/utils/ids";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.user.display_name ?? "账号"} · 用户管理 · 询问` }];

const IdSchema = idField();

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:users");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该账号不存在");
  const db = getDb();
  const user = await getUser(db, id.data);
  if (!user) notFound("该账号不存在");
  return { user, organizations: await organizationOptions(db) };
}

const ActiveSchema = z.object({ version: versionField(), active: z.enum(["0", "1"]) });
const PasswordSchema = z.object({
  version: versionField(),
  password: z.string({ error: "请输入新密码" }).min(1, "请输入新密码").max(128, "密码不能超过 128 个字符"),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, "admin:users");
  const id = IdSchema.safeParse(params.id);
  if (!id.success) notFound("该账号不存在");
  const formData = await readFormData(request, 32 * 1024);
  const intent = formData.get("intent");
  const db = getDb();
  const actor = actorOf(admin, context);
  const refuse = (intent: string, fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data({ intent, fieldErrors, values }, { status: 400 });

  if (intent === "profile") {
    const parsed = parseForm(formData, UserProfileSchema);
    if (!parsed.ok) return refuse("profile", parsed.fieldErrors, parsed.values);
    const result = await updateUser(db, actor, { id: id.data, ...parsed.data });
    if (!result.ok) return refuse("profile", { [result.field]: [result.message] }, parsed.values);
    return redirectWithToast(`/admin/users/${id.data}`, "账号信息已保存");
  }
  if (intent === "active") {
    const parsed = parseForm(formData, ActiveSchema);
    if (!parsed.ok) return refuse("active", { _form: ["请求无效，请刷新页面后重试"] }, {});
    const result = await setUserActive(db, actor, { id: id.data, version: parsed.data.version, active: parsed.data.active === "1" });
    if (!result.ok) return refuse("active", { _form: [result.message] }, {});
    return redirectWithToast(`/admin/users/${id.data}`, parsed.data.active === "1" ? "账号已启用" : "账号已停用，其登录已全部退出");
  }
  if (intent === "password") {
    const parsed = parseForm(formData, PasswordSchema);
    if (!parsed.ok) return refuse("password", parsed.fieldErrors, {});
    const result = await resetPassword(db, actor, { id: id.data, ...parsed.data });
    if (!result.ok) return refuse("password", { [result.field]: [result.message] }, {});
    return redirectWithToast(`/admin/users/${id.data}`, "密码已重置，该账号在所有设备上的登录已退出");
  }
  return refuse("", { _form: ["未知的操作"] }, {});
}

export default function EditUser() {
  const { user, organizations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const feedbackFor = (intent: string): FormFeedback | undefined => (result?.intent === intent ? result : undefined);
  return (
    <section>
      <div className="page-head">
        <h1>
          {user.display_name}（{user.username}）
        </h1>
        <Link to="/admin/users">返回用户列表</Link>
      </div>
      <div className="card">
        <dl className="kv">
          <dt>角色</dt>
          <dd>{ROLE_LABELS[user.role]}</dd>
          <dt>所属单位</dt>
          <dd>{user.organization_name ?? "—"}</dd>
          <dt>状态</dt>
          <dd>{user.active ? <span className="badge ok">启用</span> : <span className="badge off">停用</span>}</dd>
          <dt>创建时间</dt>
          <dd>{formatDateTime(user.created_at)}</dd>
          <dt>密码修改于</dt>
          <dd>{formatDateTime(user.password_changed_at)}</dd>
        </dl>
      </div>

      <div className="card">
        <h2>账号信息与角色</h2>
        <Form method="post" noValidate>
          <FormError feedback={feedbackFor("profile")} />
          <input type="hidden" name="intent" value="profile" />
          <input type="hidden" name="version" value={user.version} />
          <UserFields
            feedback={feedbackFor("profile")}
            organizations={organizations}
            defaults={{ displayName: user.display_name, role: user.role, organizationId: user.organization_id, title: user.title }}
          />
          <button type="submit">保存</button>
        </Form>
      </div>

      <div className="card">
        <h2>重置密码</h2>
        <Form method="post" noValidate>
          <FormError feedback={feedbackFor("password")} />
          <input type="hidden" name="intent" value="password" />
          <input type="hidden" name="version" value={user.version} />
          <TextField name="password" label="新密码" type="password" feedback={feedbackFor("password")} required autoComplete="new-password" hint="重置后该账号在所有设备上的登录将退出" />
          <button type="submit" className="secondary">重置密码</button>
        </Form>
      </div>

      <div className="card">
        <h2>启用与停用</h2>
        <Form method="post">
          <FormError feedback={feedbackFor("active")} />
          <input type="hidden" name="intent" value="active" />
          <input type="hidden" name="version" value={user.version} />
          <input type="hidden" name="active" value={user.active ? "0" : "1"} />
          <p className="muted">{user.active ? "停用后该账号无法登录，已有的登录立即失效。" : "启用后该账号可以再次登录。"}</p>
          <button type="submit" className="secondary">{user.active ? "停用账号" : "启用账号"}</button>
        </Form>
      </div>
    </section>
  );
}
