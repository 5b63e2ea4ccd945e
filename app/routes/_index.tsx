import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { ROLE_LABELS } from "~/labels";
import { can, navigationFor } from "~/policy.server";
import { formatDate } from "~/utils/time";

export const meta: MetaFunction = () => [{ title: "首页 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const inquiries = can(user, "inquiry:list")
    ? await db.selectFrom("inquiries").select(["id", "title", "meeting_date", "congress"]).orderBy("meeting_date", "desc").limit(10).execute()
    : [];
  return {
    user: { displayName: user.displayName, role: user.role, organizationName: user.organizationName },
    roleLabel: ROLE_LABELS[user.role],
    inquiries,
    shortcuts: navigationFor(user).filter((n) => n.to !== "/"),
  };
}

export default function Home() {
  const { user, roleLabel, inquiries, shortcuts } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>您好，{user.displayName}</h1>
      <p className="muted" data-testid="home-role">
        {roleLabel}
        {user.organizationName ? ` · ${user.organizationName}` : ""}
      </p>
      <div className="grid-2">
        <div className="card">
          <h2 style={{ marginTop: 0 }}>常用功能</h2>
          <ul>
            {shortcuts.map((s) => (
              <li key={s.to}>
                <Link to={s.to}>{s.label}</Link>
              </li>
            ))}
          </ul>
        </div>
        {inquiries.length > 0 ? (
          <div className="card">
            <h2 style={{ marginTop: 0 }}>专题询问</h2>
            <ul>
              {inquiries.map((i) => (
                <li key={i.id}>
                  <Link to={`/inquiries/${i.id}`}>{i.title}</Link>
                  <span className="muted">（{i.congress}，{formatDate(i.meeting_date)}）</span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </section>
  );
}
