import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useEffect, useState } from "react";
import { getCurrentUser } from "./auth/session.server";
import { BellIcon, MenuIcon } from "./components/icons";
import { RefusalNotice } from "./components/RefusalNotice";
import { getDb } from "./db.server";
import { unreadCount } from "./notifications/notifications.server";
import { canSeeStaffQueue, navigationFor, readableInquiries, ROLE_LABELS } from "./policy.server";
import { queueCount } from "./queue/queue.server";
import stylesHref from "./styles.css";
import { useNonce } from "./utils/nonce";
import { readToast } from "./utils/toast.server";
import { congressForPages } from "./settings/settings.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "询问 · 专题询问与整改督办" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request);
  const toast = await readToast(request);
  const headers = new Headers();
  if (toast.setCookie) headers.append("Set-Cookie", toast.setCookie);
  return data(
    {
      user: user
        ? {
            displayName: user.displayName,
            username: user.username,
            roleLabel: ROLE_LABELS[user.role],
            organizationName: user.organizationName,
            unread: await unreadCount(getDb(), user.id),
            // the header's 待我办理 count (staff and administrators)
            waiting: canSeeStaffQueue(user) ? await queueCount(getDb(), user) : 0,
            // which inquiries the user reads as a whole: their pages show the stage tabs (components/PageNav.tsx)
            inquiryScope: ((scope) => (scope === "all" ? ("all" as const) : [...scope]))(readableInquiries(user)),
          }
        : null,
      nav: navigationFor(user),
      toast: toast.message,
      // the installation's own congress: header, public pages, and the examples every form offers
      congress: await congressForPages(getDb()),
    },
    { headers },
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="zh-CN">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

type RootData = ReturnType<typeof useLoaderData<typeof loader>>;

function Shell({ root, children }: { root: RootData | undefined; children: React.ReactNode }) {
  const user = root?.user ?? null;
  // Phones: the navigation and the account links fold behind a 菜单 button. Only once the page is interactive,
  // so without JavaScript the whole header stays visible. The bell and the button come last in the document (the
  // desktop's reading and focus order) and are moved before the folded menu by CSS order on phones.
  const [interactive, setInteractive] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setInteractive(true), []);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  return (
    <>
      <a className="skip-link" href="#main">跳到正文</a>
      <header className={`app-header${interactive ? " foldable" : ""}${menuOpen ? " menu-open" : ""}`} data-testid="app-header">
        <div className="brand">
          <Link to="/">
            <span className="brand-mark">询问</span>
            <span className="brand-name" data-testid="brand-congress">{root?.congress?.name ? `${root.congress.name} · ` : ""}专题询问与整改督办系统</span>
          </Link>
        </div>
        <div className="app-menu" id="app-menu">
          <nav className="app-nav" aria-label="主导航">
            {(root?.nav ?? []).map((item) => (
              <NavLink key={item.to} to={item.to} end={item.to === "/"}>
                {item.label}
                {item.to === "/queue" && user && user.waiting > 0 ? (
                  <span className="nav-count" data-testid="queue-count" aria-label={`${user.waiting} 项待办理`}>
                    {user.waiting}
                  </span>
                ) : null}
              </NavLink>
            ))}
          </nav>
          <div className="user-box">
            {user ? (
              <>
                <span className="user-name" data-testid="current-user">
                  {user.displayName}
                  <small>
                    {user.roleLabel}
                    {user.organizationName ? ` · ${user.organizationName}` : ""}
                  </small>
                </span>
                <Link to="/account">修改密码</Link>
                <Form method="post" action="/logout">
                  <button type="submit" className="link-button">退出</button>
                </Form>
              </>
            ) : (
              <Link to="/login">登录</Link>
            )}
          </div>
        </div>
        <div className="header-quick">
          {user ? (
            <Link to="/notifications" className="bell" aria-label={`通知，${user.unread} 条未读`} data-testid="bell">
              <BellIcon />
              {user.unread > 0 ? <span className="bell-count" aria-hidden="true">{user.unread}</span> : null}
            </Link>
          ) : null}
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="app-menu"
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="menu-toggle"
          >
            <MenuIcon /> 菜单
          </button>
        </div>
      </header>
      <main id="main" className="app-main">
        {children}
      </main>
      <footer className="app-footer">询问 Xunwen · {root?.congress?.name || "人大常委会"}专题询问全流程与整改督办</footer>
    </>
  );
}

function Toast({ message }: { message: string | null | undefined }) {
  const [visible, setVisible] = useState(Boolean(message));
  useEffect(() => {
    setVisible(Boolean(message));
    if (!message) return;
    const timer = setTimeout(() => setVisible(false), 6000);
    return () => clearTimeout(timer);
  }, [message]);
  if (!message || !visible) return null;
  return (
    <div className="toast" role="status" aria-live="polite">
      {message}
      <button type="button" className="toast-close" aria-label="关闭" onClick={() => setVisible(false)}>×</button>
    </div>
  );
}

export default function App() {
  const root = useLoaderData<typeof loader>();
  return (
    <Shell root={root}>
      <Toast message={root.toast} />
      <RefusalNotice />
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  let title = "系统出现错误";
  let message = "处理您的请求时出现了问题，请稍后重试。如问题持续，请联系系统管理员。";
  let status = 500;
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const text = typeof error.data === "string" ? error.data : "";
    if (status === 403) {
      title = "无权访问";
      message = text || "您没有权限访问此页面或执行此操作。";
    } else if (status === 404) {
      title = "页面不存在";
      message = text || "您要找的内容不存在或已被删除。";
    } else if (status === 413) {
      title = "提交的内容过大";
      message = text || "提交的内容过大，请精简后重试。";
    } else if (status === 400 || status === 405) {
      title = "请求无法处理";
      message = text || "请求格式不正确，请刷新页面后重试。";
    }
  }
  return (
    <Shell root={root}>
      <section className="error-page" data-status={status}>
        <h1>{title}</h1>
        <p>{message}</p>
        <p className="error-code">错误代码 {status}</p>
        <p>
          <Link to="/">返回首页</Link>
        </p>
      </section>
    </Shell>
  );
}
