import { manyRowsSheet, sparseSheet, zipBomb } from "../../app/test/sheets";
import type { GenerateReport } from "./generate";
import type { Scenario } from "./run";

/**
 * The read scenarios: each page, and the floor path that runs the same session lookup and domain functions
 * without Remix and React. Both are requested with the same user's cookie.
 */
export function scenarios(info: GenerateReport): Scenario[] {
  const q2 = encodeURIComponent("就业");
  const q4 = encodeURIComponent("稳岗就业");
  return [
    // the framework's own cost: a page without data (sign-in form) against a bare handler
    { name: "基线：登录页（无数据）", page: "/login", floor: "/healthz", as: "anonymous" },
    { name: "工作人员首页（仪表盘）", page: "/", floor: "/floor/home", as: "staff" },
    {
      name: "整改台账（筛选+分页）",
      page: `/inquiries/${info.sample.inquiryId}/rectification?status=in_progress&page=2`,
      floor: `/floor/ledger?inquiry=${info.sample.inquiryId}&status=in_progress&page=2`,
      as: "staff",
    },
    { name: "部门“我的待办”", page: "/my", floor: "/floor/my", as: "department" },
    // 待我办理 across every inquiry (the administrator manages all): one UNION ALL over the queue's partial indexes
    { name: "待我办理（全部询问）", page: "/queue?page=2", floor: "/floor/queue?page=2", as: "admin" },
    { name: "搜索（2 字）", page: `/search?q=${q2}`, floor: `/floor/search?q=${q2}`, as: "staff" },
    { name: "搜索（4 字）", page: `/search?q=${q4}`, floor: `/floor/search?q=${q4}`, as: "staff" },
    { name: "公开摘要", page: `/public/inquiries/${info.sample.publishedInquiryId}`, floor: `/floor/digest?inquiry=${info.sample.publishedInquiryId}`, as: "anonymous" },
  ];
}

/** The write scenario: a progress report on one of the sample department's open items. */
export function progressWrite(info: GenerateReport) {
  let next = 0;
  return {
    path: (itemId: number) => `/rectification/${itemId}`,
    body: (marker: string) => {
      next++;
      return new URLSearchParams({ intent: "progress", body: `本周完成入户核查，落实帮扶措施。${marker}` }).toString();
    },
  };
}

/**
 * The import scenario (issue 15.4): sheets that used to stall every user, each posted to the import form while
 * staff keep reading the ledger. Each must be refused within 2 s and the reads must go on.
 */
export function importFiles(info: GenerateReport) {
  return {
    path: `/inquiries/${info.sample.inquiryId}/rectification/import`,
    readPage: `/inquiries/${info.sample.inquiryId}/rectification?status=in_progress&page=2`,
    files: [
      { name: "10 万行表格", bytes: manyRowsSheet(100_000) },
      { name: "10 万行表格（无 dimension）", bytes: manyRowsSheet(100_000, { dimension: false }) },
      { name: "第 1,048,576 行的单元格", bytes: sparseSheet() },
      { name: "压缩炸弹（声明 64 MB）", bytes: zipBomb(64) },
      { name: "压缩炸弹（谎报大小）", bytes: zipBomb(64, { lie: true }) },
    ],
  };
}
