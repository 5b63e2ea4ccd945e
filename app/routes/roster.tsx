import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { importFromForm } from "~/admin/setup-import.server";
import { SETUP_SHEETS } from "~/admin/setup-sheets";
import { SetupImportCard, type SetupImportOutcome } from "~/admin/SetupImportCard";
import { actorOf } from "~/auth/session.server";
import { FormError, SelectField, TextField, type FormFeedback } from "~/components/forms";
import { getDb } from "~/db.server";
import { requirePermission } from "~/policy.server";
import { RosterAddSchema, RosterEditSchema } from "~/roster/forms";
import { activeMemberAccounts, createRosterMember, isCommitteeMemberTitle, linkableAccounts, listRoster, updateRosterMember } from "~/roster/roster.server";
import { useCongressTerms } from "~/settings/useCongressTerms";
import { parseForm, readFormData } from "~/utils/forms.server";
import { MAX_SHEET_BYTES } from "~/utils/sheet-import.server";
import { redirectWithToast } from "~/utils/toast.server";

/**
 * 组成人员名册 (staff and admin; issue 13): committee members and invited deputies, with or without an
 * account. Questioners are picked from it and every vote's roll is copied from it. Add, edit, move out of the
 * roster (kept in history), import from Excel and export.
 */
export const meta: MetaFunction = () => [{ title: "组成人员名册 · 询问" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "roster:manage");
  const db = getDb();
  const [roster, accounts] = await Promise.all([listRoster(db, { includeInactive: true }), activeMemberAccounts(db)]);
  const free = new Set((await linkableAccounts(db)).map((a) => a.id));
  return { roster, accounts: accounts.map((a) => ({ ...a, free: free.has(a.id) })) };
}

type ActionData = (FormFeedback & { intent: string; target?: string }) | (SetupImportOutcome & { intent: "import" });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "roster:manage");
  const formData = await readFormData(request, MAX_SHEET_BYTES + 64 * 1024);
  const intent = String(formData.get("intent") ?? "");
  const db = getDb();
  const actor = actorOf(user, context);
  const refuse = (fieldErrors: Record<string, string[]>, values: Record<string, string>) =>
    data<ActionData>({ intent, target: String(formData.get("id") ?? ""), fieldErrors, values }, { status: 400 });

  if (intent === "import") {
    const { status, outcome } = await importFromForm(db, actor, formData, ["roster"]);
    return data<ActionData>({ intent: "import", ...outcome }, { status });
  }
  if (intent === "add") {
    const parsed = parseForm(formData, RosterAddSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const d = parsed.data;
    const voting = d.voting === "" ? isCommitteeMemberTitle(d.title) : d.voting === "1";
    const result = await createRosterMember(db, actor, { name: d.name, title: d.title, voting, userId: d.userId });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast("/roster", `已将${d.title}${d.name}列入名册`);
  }
  if (intent === "edit") {
    const parsed = parseForm(formData, RosterEditSchema);
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const d = parsed.data;
    if (d.voting === "") return refuse({ voting: ["请选择是否有表决权"] }, parsed.values);
    const result = await updateRosterMember(db, actor, { id: d.id, version: d.version, name: d.name, title: d.title, voting: d.voting === "1", userId: d.userId, active: d.active === "1" });
    if (!result.ok) return refuse({ [result.field]: [result.message] }, parsed.values);
    return redirectWithToast("/roster", `已保存${d.name}`);
  }
  return refuse({ _form: ["未知的操作，请刷新页面后重试"] }, {});
}

export default function RosterPage() {
  const { roster, accounts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const terms = useCongressTerms();
  const formFeedback = (intent: string, target?: number): FormFeedback | undefined =>
    result && result.intent === intent && "fieldErrors" in result && (target === undefined || result.target === String(target)) ? result : undefined;
  const addFeedback = formFeedback("add");
  const active = roster.filter((r) => r.active);
  const votingCount = active.filter((r) => r.voting).length;
  const accountOptions = (currentUserId: number | null) =>
    accounts.filter((a) => a.free || a.id === currentUserId).map((a) => ({ value: a.id, label: `${a.display_name}（${a.username}）` }));
  return (
    <section>
      <h1>组成人员名册</h1>
      <p className="muted">
        名册中共 {active.length} 人，其中有表决权的组成人员 {votingCount} 人、列席代表 {active.length - votingCount} 人。询问提纲和询问会的询问人从名册中选择；满意度测评的表决名单按发起时的名册生成。
      </p>
      <div className="card">
        <table className="data" data-testid="roster-table">
          <thead>
            <tr>
              <th>姓名</th>
              <th>职务</th>
              <th>表决权</th>
              <th>账号</th>
              <th>状态</th>
              <th>修改</th>
            </tr>
          </thead>
          <tbody>
            {roster.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">名册还是空的：可逐人添加，或下载模板批量导入。</td>
              </tr>
            ) : null}
            {roster.map((r) => {
              const fb = formFeedback("edit", r.id);
              return (
                <tr key={r.id} className={r.active ? "" : "muted"}>
                  <td>{r.name}</td>
                  <td>{r.title}</td>
                  <td>{r.voting ? "有" : "列席"}</td>
                  <td>{r.username ?? "—"}</td>
                  <td>{r.active ? "在册" : "已移出"}</td>
                  <td>
                    <details open={!!fb}>
                      <summary>修改</summary>
                      <Form method="post" noValidate>
                        <FormError feedback={fb} />
                        <input type="hidden" name="intent" value="edit" />
                        <input type="hidden" name="id" value={r.id} />
                        <input type="hidden" name="version" value={r.version} />
                        <TextField idPrefix={`r${r.id}`} name="name" label="姓名" feedback={fb} defaultValue={r.name} required maxLength={40} />
                        <TextField idPrefix={`r${r.id}`} name="title" label="职务" feedback={fb} defaultValue={r.title} maxLength={60} />
                        <SelectField idPrefix={`r${r.id}`} name="voting" label="表决权" feedback={fb} defaultValue={String(r.voting)} options={[{ value: "1", label: "有表决权（组成人员）" }, { value: "0", label: "列席（无表决权）" }]} />
                        <SelectField idPrefix={`r${r.id}`} name="userId" label="关联账号" feedback={fb} defaultValue={r.user_id ?? ""} emptyLabel="（无账号）" options={accountOptions(r.user_id)} />
                        <SelectField idPrefix={`r${r.id}`} name="active" label="状态" feedback={fb} defaultValue={String(r.active)} options={[{ value: "1", label: "在册" }, { value: "0", label: "移出名册（保留历史记录）" }]} />
                        <button type="submit">保存</button>
                      </Form>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>添加人员</h2>
        <Form method="post" noValidate>
          <FormError feedback={addFeedback} />
          <input type="hidden" name="intent" value="add" />
          <TextField idPrefix="add" name="name" label="姓名" feedback={addFeedback} required maxLength={40} />
          <TextField idPrefix="add" name="title" label="职务" feedback={addFeedback} maxLength={60} hint={`如：${terms.memberTitle}、${terms.deputyTitle}`} />
          <SelectField
            idPrefix="add"
            name="voting"
            label="表决权"
            feedback={addFeedback}
            defaultValue=""
            options={[{ value: "", label: "按职务判断（含“代表”而不含“委员、主任、秘书长”的为列席）" }, { value: "1", label: "有表决权（组成人员）" }, { value: "0", label: "列席（无表决权）" }]}
          />
          <SelectField idPrefix="add" name="userId" label="关联账号" feedback={addFeedback} emptyLabel="（无账号）" options={accountOptions(null)} />
          <button type="submit">添加</button>
        </Form>
      </div>
      <SetupImportCard
        kind="roster"
        title={SETUP_SHEETS.roster.title}
        columns={SETUP_SHEETS.roster.columns}
        notes={["表决权填“是”或“否”（不填则按职务判断）；关联账号填写委员/代表账号的用户名，可不填。"]}
        outcome={result && result.intent === "import" && "ok" in result ? result : undefined}
      />
    </section>
  );
}
