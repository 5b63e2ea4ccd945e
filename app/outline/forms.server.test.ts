import { describe, expect, it } from "vitest";
import { QuestionFormSchema } from "./forms.server";

describe("QuestionFormSchema", () => {
  const form = (entries: [string, string][]) => {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of entries) raw[k] = k in raw ? [...([] as unknown[]).concat(raw[k]), v] : v;
    return QuestionFormSchema.safeParse(raw);
  };
  it("reads a roster questioner, a named one (to be added to the roster or not), or none, and the sources", () => {
    const base: [string, string][] = [["keywordId", "1"], ["text", " 问题 "], ["departmentId", "2"]];
    expect(form([...base, ["questionerId", "7"], ["sources", "finding:3"], ["sources", "survey_report:4"]]).data).toMatchObject({
      text: "问题",
      questioner: { kind: "roster", rosterId: 7 },
      sources: [{ type: "finding", id: 3 }, { type: "survey_report", id: 4 }],
    });
    expect(form([...base, ["questionerId", "named"], ["questionerName", "王保才"], ["questionerRole", "市人大代表"], ["addToRoster", "1"]]).data?.questioner).toEqual({
      kind: "named",
      name: "王保才",
      role: "市人大代表",
      addToRoster: true,
    });
    expect(form(base).data?.questioner).toEqual({ kind: "none" });
  });
  it("refuses a named questioner without a name, a missing department and a forged source", () => {
    const r = form([["keywordId", "1"], ["text", ""], ["questionerId", "named"], ["sources", "activity:1"]]);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => String(i.path[0]));
    expect(paths).toEqual(expect.arrayContaining(["text", "departmentId", "sources", "questionerName"]));
  });
});
