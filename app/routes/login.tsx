import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { authenticate } from "~/auth/login.server";
import { deviceCookieHeader, readDeviceToken } from "~/auth/devices.server";
import { clientIp, createUserSession, getCurrentUser, safeRedirect } from "~/auth/session.server";
import { FormError, TextField } from "~/components/forms";
import { getDb } from "~/db.server";
import { parseForm, readFormData } from "~/utils/forms.server";

export const meta: MetaFunction = () => [{ title: "登录 · 询问" }];

const LoginSchema = z.object({
  username: z.string({ error: "请输入用户名" }).trim().min(1, "请输入用户名").max(64, "用户名不能超过 64 个字符"),
  password: z.string({ error: "请输入密码" }).min(1, "请输入密码").max(128, "密码不能超过 128 个字符"),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  let formData: FormData;
  try {
    formData = await readFormData(request, 16 * 1024);
  } catch (error) {
    if (error instanceof Response && error.status === 413) {
      return data({ fieldErrors: { _form: ["提交的内容过大，请只填写用户名和密码。"] }, values: {} }, { status: 413 });
    }
    throw error;
  }
  const parsed = parseForm(formData, LoginSchema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const ip = clientIp(context);
  const db = getDb();
  const result = await authenticate(db, {
    username: parsed.data.username,
    password: parsed.data.password,
    ip,
    deviceToken: await readDeviceToken(request),
  });
  if (!result.ok) {
    return data(
      { fieldErrors: { _form: [result.message] }, values: { username: parsed.data.username } },
      { status: result.reason === "throttled" ? 429 : 400 },
    );
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await createUserSession(db, result.userId, request, ip));
  headers.append("Set-Cookie", await deviceCookieHeader(result.deviceToken, request));
  return redirect(safeRedirect(parsed.data.redirectTo), { headers });
}

export default function Login() {
  const feedback = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <section className="card login-card">
      <h1>登录</h1>
      <Form method="post" noValidate>
        <FormError feedback={feedback} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField name="username" label="用户名" feedback={feedback} autoComplete="username" autoFocus required maxLength={64} />
        <TextField name="password" label="密码" type="password" feedback={feedback} autoComplete="current-password" required />
        <button type="submit" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "正在登录…" : "登录"}
        </button>
      </Form>
      <p className="muted" style={{ marginTop: 16, fontSize: 13 }}>
        未登录也可查看<a href="/public">已公开的询问会摘要与整改情况</a>。
      </p>
    </section>
  );
}
