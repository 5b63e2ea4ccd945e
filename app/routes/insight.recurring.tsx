import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actorOf, requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { ApartSchema, GroupActionSchema, RecurringFilterSchema } from "~/insight/forms.server";
import { RecurringGroups } from "~/insight/RecurringGroups";
import { confirmGroup, recurringProblems, splitGroup, toGroupView } from "~/insight/recurring.server";
import { canManageRecurringGroups, canUseRecurringProblems, forbidden } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";
import { todayInShanghai } from "~/utils/time";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 反复出现的问题: problems raised again and again across inquiries and years (items, questions, findings grouped
 * by text similarity), per department and per topic, with what became of each. Staff confirm or split a group.
 * Members see their inquiries' problems; a department its own (app/policy.server.ts canReadProblem).
 */
export const meta: MetaFunction = () => [{ title: "反复出现的问题 · 询问" }];

const DENIED = "反复出现的问题仅供人大工作人员、委员和应询部门查阅。";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canUseRecurringProblems(user)) forbidden(DENIED);
  const url = new URL(request.url);
  const filter = RecurringFilterSchema.parse({ department: url.searchParams.get("department") ?? undefined, topic: url.searchParams.get("topic") || undefined });
  const result = await recurringProblems(getDb(), user, { departmentId: filter.department ?? null, topic: filter.topic ?? null }, todayInShanghai());
  return {
    canManage: canManageRecurringGroups(user),
    filter: { department: filter.department ?? null, topic: filter.topic ?? "" },
    groups: result.groups.map(toGroupView),
    departments: result.departments,
    topics: result.topics,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request);
  if (!canManageRecurringGroups(user)) forbidden("只有人大工作人员可以确认或拆分反复出现的问题。");
  const formData = await readFormData(request);
  const keys = String(formData.get("keys") ?? "");
  const parsed = GroupActionSchema.safeParse({ intent: formData.get("intent"), keys });
  if (!parsed.success) return data({ keys, fieldErrors: { _form: [parsed.error.issues[0]?.message ?? "请求无效"] } }, { status: 400 });
  const actor = actorOf(user, context);
  const today = todayInShanghai();
  let result;
  if (parsed.data.intent === "confirm") result = await confirmGroup(getDb(), actor, { keys: parsed.data.keys }, today);
  else {
    const apart = ApartSchema.safeParse(formData.getAll("apart").map(String));
    if (!apart.success) return data({ keys, fieldErrors: { _form: ["请求无效，请刷新页面后重试"] } }, { status: 400 });
    result = await splitGroup(getDb(), actor, { keys: parsed.data.keys, apart: apart.data }, today);
  }
  if (!result.ok) return data({ keys, fieldErrors: { _form: [result.message] } }, { status: 400 });
  const url = new URL(request.url);
  return redirectWithToast(`${url.pathname}${url.search}`, parsed.data.intent === "confirm" ? "已确认为同一问题" : "已拆分");
}

export default function RecurringPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="in-page">
      <div className="page-head">
        <h1>反复出现的问题</h1>
      </div>
      <p className="muted">
        比较历次专题询问的整改事项、询问问题和调研发现的文字（按字符组合的相似程度，不依赖外部服务），把在两次及以上专题询问中提出的同类问题归为一组，列出每次的结果。归组由系统计算，工作人员可以确认或拆分。
      </p>
      <Form method="get" className="card in-filter">
        <label>
          部门{" "}
          <select name="department" defaultValue={d.filter.department ?? ""}>
            <option value="">全部部门</option>
            {d.departments.map((x) => (
              <option key={x.id} value={x.id}>{x.name}</option>
            ))}
          </select>
        </label>{" "}
        <label>
          主题{" "}
          <select name="topic" defaultValue={d.filter.topic}>
            <option value="">全部主题</option>
            {d.topics.map((x) => (
              <option key={x.topic} value={x.topic}>{x.topic}</option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" className="secondary">筛选</button>
      </Form>
      <div className="in-summaries">
        <div className="card">
          <h2>按部门</h2>
          <table className="data" data-testid="recurring-by-department">
            <thead>
              <tr><th scope="col">部门</th><th scope="col">问题组</th><th scope="col">提出次数</th><th scope="col">未销号</th><th scope="col">逾期</th></tr>
            </thead>
            <tbody>
              {d.departments.map((x) => (
                <tr key={x.id}>
                  <td><Link to={`/insight/departments/${x.id}`}>{x.name}</Link></td>
                  <td>{x.groups}</td><td>{x.raised}</td><td>{x.open}</td><td>{x.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h2>按主题</h2>
          <table className="data" data-testid="recurring-by-topic">
            <thead>
              <tr><th scope="col">主题</th><th scope="col">问题组</th><th scope="col">提出次数</th><th scope="col">未销号</th><th scope="col">逾期</th></tr>
            </thead>
            <tbody>
              {d.topics.map((x) => (
                <tr key={x.topic}>
                  <td><Link to={`?topic=${encodeURIComponent(x.topic)}`}>{x.topic}</Link></td>
                  <td>{x.groups}</td><td>{x.raised}</td><td>{x.open}</td><td>{x.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <h2>问题组（{d.groups.length}）</h2>
      <RecurringGroups groups={d.groups} canManage={d.canManage} busy={busy} feedback={result} />
    </section>
  );
}
