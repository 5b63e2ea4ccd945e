import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { importFromForm } from "~/admin/setup-import.server";
import { SETUP_SHEETS, type SetupKind } from "~/admin/setup-sheets";
import { SetupImportCard } from "~/admin/SetupImportCard";
import { actorOf, requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { canBulkSetup, forbidden } from "~/policy.server";
import { readFormData } from "~/utils/forms.server";
import { MAX_SHEET_BYTES } from "~/utils/sheet-import.server";

/**
 * 批量导入 (administrator): organisations and accounts from the Excel templates, in that order (accounts name
 * their organisation); the roster is on /roster. Each kind exports what is there too.
 */
export const meta: MetaFunction = () => [{ title: "批量导入 · 询问" }];

const KINDS: SetupKind[] = ["organizations", "accounts"];

async function admin(request: Request) {
  const user = await requireUser(request);
  if (!KINDS.every((k) => canBulkSetup(user, k))) forbidden("只有系统管理员可以批量导入组织机构和账号。");
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await admin(request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await admin(request);
  const formData = await readFormData(request, MAX_SHEET_BYTES + 64 * 1024);
  const { status, outcome } = await importFromForm(getDb(), actorOf(user, context), formData, KINDS);
  return data(outcome, { status, headers: { "Cache-Control": "no-store" } });
}

export default function AdminImport() {
  const outcome = useActionData<typeof action>();
  return (
    <section>
      <h1>批量导入</h1>
      <p className="muted">
        新系统启用时，可用 Excel 一次导入全部单位和账号：先导入组织机构，再导入账号。组成人员名册在
        <Link to="/roster">组成人员名册</Link>页面导入。
      </p>
      <SetupImportCard
        kind="organizations"
        title={SETUP_SHEETS.organizations.title}
        columns={SETUP_SHEETS.organizations.columns}
        notes={["类别填写：人民政府、政府部门、县区人大常委会、人大专门委员会/工作机构。"]}
        outcome={outcome}
      />
      <SetupImportCard
        kind="accounts"
        title={SETUP_SHEETS.accounts.title}
        columns={SETUP_SHEETS.accounts.columns}
        notes={[
          "角色填写：系统管理员、人大工作人员、委员/代表、应询部门、县区人大；应询部门和县区人大账号须填写系统中已有的所属单位。",
          "导入后系统为每个账号生成初始密码，只显示一次：请当场打印账号通知分发本人，并提醒本人登录后修改密码。委员/代表账号自动列入组成人员名册。",
        ]}
        outcome={outcome}
      />
    </section>
  );
}
