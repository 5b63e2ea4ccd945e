import { describe, expect, it } from "vitest";
import { digestToDocx } from "../meeting/digest-docx.server";
import type { Digest } from "../meeting/digest.server";
import { outlineDocx } from "../outline/docx.server";
import { expectOfficialLayout } from "../test/gbt9704";

const digest: Digest = {
  inquiryId: 1,
  inquiryTitle: "全市脱贫攻坚工作专题询问",
  congress: "焦作市人大常委会",
  meetingId: 1,
  meetingDate: "2020-09-22",
  title: "聚焦脱贫攻坚 助力全面小康",
  reporter: "本报记者 王小平",
  introHtml: "",
  introText: "9月22日，市十一届人大常委会第十二次会议举行联组会议。",
  closingHtml: "",
  closingText: "",
  kinds: [],
  before: [],
  groups: [
    {
      keyword: "健康扶贫",
      headline: "让贫困群众看得起病",
      exchanges: [{ id: 1, lines: [{ lead: "市人大常委会委员马爱国询问：", paragraphs: ["健康扶贫怎样防止因病返贫？", "请回答。"] }] }],
    },
  ],
  after: [],
  exchangeCount: 1,
  publishedAt: null,
  version: 1,
};

describe("Word exports follow GB/T 9704-2012 (one style module)", () => {
  it("the digest: margins, fonts, sizes, 22-line grid, “— 1 —” footers, the subtitle on its own line, no red", async () => {
    const doc = await expectOfficialLayout(await digestToDocx(digest));
    expect(doc.paragraphs[0].text).toBe("聚焦脱贫攻坚 助力全面小康");
    // the reporter and the congress/date are lines of their own, not run on after the title
    expect(doc.paragraphs[1]).toMatchObject({ text: "本报记者 王小平", alignment: "center" });
    expect(doc.paragraphs[2].text).toBe("焦作市人大常委会　2020年9月22日");
    const heading = doc.paragraphs.find((p) => p.text.includes("关键词：健康扶贫"))!;
    expect(heading.text).toBe("一、关键词：健康扶贫");
    expect(heading.runs[0]).toMatchObject({ eastAsia: "黑体", size: 32, color: null });
    const exchange = doc.paragraphs.find((p) => p.text.startsWith("市人大常委会委员马爱国询问："))!;
    expect(exchange.runs.map((r) => r.eastAsia)).toEqual(["黑体", "仿宋_GB2312"]);
  });

  it("the outline", async () => {
    const doc = await expectOfficialLayout(
      await outlineDocx({
        inquiry: { title: "全市脱贫攻坚工作专题询问", congress: "焦作市人大常委会", session_name: "市十一届人大常委会第十二次会议", meeting_date: "2020-09-22" },
        version: { number: 2, status: "approved", decided_on: "2020-09-10", issued_at: null },
        snapshot: {
          keywords: [
            {
              id: 1,
              keyword: "健康扶贫",
              headline: "",
              questions: [{ id: 1, text: "如何防止因病返贫？", departmentId: 2, departmentName: "市卫生健康委员会", questionerUserId: null, questionerName: "马爱国", questionerRole: "委员", sources: [] }],
            },
          ],
        },
      }),
    );
    expect(doc.paragraphs[0].text).toBe("全市脱贫攻坚工作专题询问提纲");
    expect(doc.paragraphs.some((p) => p.text === "1．如何防止因病返贫？")).toBe(true);
  });
});
