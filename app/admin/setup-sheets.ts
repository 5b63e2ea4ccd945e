/** The bulk-setup sheets (issue 13): title, sheet name, the template's columns. Browser-safe. */
export type SetupKind = "organizations" | "accounts" | "roster";
export const SETUP_KINDS: readonly SetupKind[] = ["organizations", "accounts", "roster"];

export const SETUP_SHEETS: Record<SetupKind, { title: string; sheetName: string; columns: readonly string[]; what: string; maxRows: number }> = {
  organizations: { title: "组织机构", sheetName: "组织机构", columns: ["名称", "类别", "上级单位"], what: "单位", maxRows: 500 },
  accounts: { title: "用户账号", sheetName: "用户账号", columns: ["用户名", "姓名", "角色", "所属单位", "职务/身份"], what: "账号", maxRows: 200 },
  roster: { title: "组成人员名册", sheetName: "组成人员名册", columns: ["姓名", "职务", "表决权", "关联账号"], what: "人员", maxRows: 500 },
};

