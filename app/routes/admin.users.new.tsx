import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { InitialPasswords } from "~/admin/InitialPasswords";
import { createAccount, organizationOptions } from "~/admin/users.server";
import { UserFields, UserCreateSchema } from "~/admin/user-form";
import { actorOf } from "~/auth/session.server";
import { FormError, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { parseForm, readFormData } from "~/utils/forms.server";

/**
 * 新建账号: the admin enters the person; the system draws a one-time initial password, shown once here (the
 * 账号通知 to print and hand over) and changed by the person at the first sign-in (docs/decisions/0152).
 */
export const meta: MetaFunction = () => [{ title: "新建账号 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "admin:users");
  return { organizations: await organizationOptions(getDb()) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "admin:users");
  const parsed = parseForm(await readFormData(request, 32 * 1024), UserCreateSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values, created: null }, { status: 400 });
  const result = await createAccount(getDb(), actorOf(user, context), parsed.data);
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: parsed.values, created: null }, { status: 400 });
  // shown once: the answer to this POST is the only place the password ever appears
  return data({
    fieldErrors: {} as Record<string, string[]>,
    values: {} as Record<string, string>,
    created: { id: result.id, username: result.username, displayName: parsed.data.displayName, password: result.password },
  });
}

export default function NewUser() {
  const { organizations } = useLoaderData<typeof loader>();
  const feedback = useActionData<typeof action>();
  const created = feedback?.created;
  if (created) {
    return (
      <section className="card">
        <h1>账号已创建</h1>
        <p role="status">
          账号「{created.username}」已创建。<Link to={`/admin/users/${created.id}`}>查看账号</Link> · <Link to="/admin/users/new">继续新建</Link>
        </p>
        <InitialPasswords rows={[created]} />
      </section>
    );
  }
  return (
    <section className="card">
      <h1>新建账号</h1>
      <Form method="post" noValidate>
        <FormError feedback={feedback} />
        <TextField name="username" label="用户名" feedback={feedback} required maxLength={32} hint="字母、数字、下划线或短横线，3–32 位，登录时不区分大小写" autoComplete="off" />
        <UserFields feedback={feedback} organizations={organizations} />
        <p className="field-hint">创建后系统生成一次性初始密码，只显示一次，请打印或抄录后交给本人；本人首次登录时须改为自己的密码。</p>
        <button type="submit">创建账号</button> <Link to="/admin/users">取消</Link>
      </Form>
    </section>
  );
}
