import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { changeOwnPassword } from "~/admin/users.server";
import { readDeviceToken } from "~/auth/devices.server";
import { confirmCurrentPassword } from "~/auth/login.server";
import { actorOf, clientIp, createUserSession, requireUser } from "~/auth/session.server";
import { FormError, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import { parseForm, readFormData } from "~/utils/forms.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "修改密码 · 询问" }];

const Schema = z
  .object({
    currentPassword: z.string({ error: "请输入当前密码" }).min(1, "请输入当前密码").max(128),
    newPassword: z.string({ error: "请输入新密码" }).min(1, "请输入新密码").max(128, "密码不能超过 128 个字符"),
    confirmPassword: z.string({ error: "请再次输入新密码" }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "两次输入的新密码不一致" });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { mustChange: !!user.mustChangePassword };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = parseForm(await readFormData(request, 16 * 1024), Schema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: {} }, { status: 400 });
  const db = getDb();
  // the current password is checked under the sign-in throttle first (issue 16)
  const confirmed = await confirmCurrentPassword(db, {
    username: user.username,
    password: parsed.data.currentPassword,
    ip: clientIp(context),
    deviceToken: await readDeviceToken(request),
  });
  if (!confirmed.ok) {
    return data({ fieldErrors: { currentPassword: [confirmed.message] }, values: {} }, { status: confirmed.reason === "throttled" ? 429 : 400 });
  }
  const result = await changeOwnPassword(db, actorOf(user, context), {
    userId: user.id,
    currentPassword: parsed.data.currentPassword,
    newPassword: parsed.data.newPassword,
  });
  if (!result.ok) return data({ fieldErrors: { [result.field]: [result.message] }, values: {} }, { status: 400 });
  // Every session ended with the change; this device gets a fresh one.
  const cookie = await createUserSession(db, user.id, request, clientIp(context));
  return redirectWithToast("/", "密码已修改，其他设备上的登录已全部退出。", { headers: { "Set-Cookie": cookie } });
}

export default function Account() {
  const feedback = useActionData<typeof action>();
  const { mustChange } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h1>修改密码</h1>
      {mustChange ? (
        <p className="inq-notice" role="alert" data-testid="must-change-password">
          您正在使用管理员发放的初始密码。为保障账号安全，请先设置您自己的新密码，然后才能使用系统。“当前密码”即初始密码。
        </p>
      ) : null}
      <p className="muted">新密码至少 10 个字符，包含小写字母、大写字母、数字、符号中的至少三类。修改后其他设备上的登录将全部退出。</p>
      <Form method="post" noValidate>
        <FormError feedback={feedback} />
        <TextField name="currentPassword" label="当前密码" type="password" feedback={feedback} autoComplete="current-password" required />
        <TextField name="newPassword" label="新密码" type="password" feedback={feedback} autoComplete="new-password" required />
        <TextField name="confirmPassword" label="再次输入新密码" type="password" feedback={feedback} autoComplete="new-password" required />
        <button type="submit">保存新密码</button>
      </Form>
    </section>
  );
}
