import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { actorOf, clearSessionCookie, getCurrentUser, signOut } from "~/auth/session.server";
import { getDb } from "~/db.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) {
    await signOut(getDb(), actorOf(user, context), user);
  }
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie(request) } });
}

/** Signing out is a POST (a link could be followed by a prefetch); GET shows the sign-in page. */
export async function loader() {
  return redirect("/login");
}
