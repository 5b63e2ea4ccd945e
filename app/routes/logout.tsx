import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { actorOf, clearSessionCookie, deleteSession, getCurrentUser } from "~/auth/session.server";
import { recordAudit } from "~/audit.server";
import { getDb } from "~/db.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request);
  if (user) {
    await getDb()
      .transaction()
      .execute(async (trx) => {
        await deleteSession(trx, user.sessionHash);
        await recordAudit(trx, actorOf(user, context), {
          action: "auth.logout",
          entityType: "session",
          entityId: user.id,
          summary: "退出登录",
        });
      });
  }
  return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie(request) } });
}

/** Signing out is a POST (a link could be followed by a prefetch); GET shows the sign-in page. */
export async function loader() {
  return redirect("/login");
}
