import { createCookie, redirect } from "@remix-run/node";

/**
 * Success messages shown once after a redirect. The cookie holds only the message text, which React escapes
 * when showing it, so it needs no signature.
 */
const toastCookie = createCookie("xunwen_toast", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 });

export async function redirectWithToast(url: string, message: string, init: ResponseInit = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await toastCookie.serialize(message.slice(0, 200)));
  return redirect(url, { ...init, headers });
}

export async function readToast(request: Request): Promise<{ message: string | null; setCookie: string | null }> {
  const message = await toastCookie.parse(request.headers.get("cookie"));
  if (typeof message !== "string" || !message) return { message: null, setCookie: null };
  return { message, setCookie: await toastCookie.serialize("", { maxAge: 0 }) };
}
