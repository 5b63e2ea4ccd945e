import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { createUser, organizationOptions } from "~/admin/users.server";
import { UserFields, UserCreateSchema } from "~/admin/user-form";
import { actorOf } from "~/auth/session.server";
import { FormError, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "新建账号 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:users");
  return { organizations: await organizationOptions(getDb()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:users");
  const parsed = parseForm(await readFormData(request, 32 * 1024), UserCreateSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const result = await createUser(getDb(), actorOf(user, context), parsed.data);
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values }, { status: 400 });
  return redirectWithToast(`/admin/users/${result.id}`, `账号「${parsed.data.username}」已创建`);
}

export default function NewUser() {
  const { organizations } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>();
  return (
    <section className="card">
      <h1>新建账号</h1>
      <Form method="post" noValidate>
        <FormError feedback={feedback} />
        <TextField name="username" label="用户名" feedback={feedback} required maxLength={32} hint="字母、数字、下划线或短横线，3–32 位，登录时不区分大小写" autoComplete="off" />
        <UserFields feedback={feedback} organizations={organizations} />
        <TextField name="password" label="初始密码" type="password" feedback={feedback} required autoComplete="new-password" hint="至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少三类" />
        <button type="submit">创建账号</button> <Link to="/admin/users">取消</Link>
      </Form>
    </section>
  );
}
