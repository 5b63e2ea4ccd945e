import { describe, expect, it } from "vitest";
import { formatFieldName } from "./config";
import {
  RICH_TEXT_LIMITS,
  emptyRichText,
  parseRichText,
  plainTextToLexical,
  renderStoredRichText,
  richTextFromForm,
  type RichText,
  type RichTextResult,
} from "./richtext.server";

const LABEL = { label: "询问内容" };

type Node = Record<string, unknown>;
const text = (value: string, extra: Node = {}): Node => ({ type: "text", text: value, format: 0, style: "", mode: "normal", detail: 0, version: 1, ...extra });
const paragraph = (children: Node[], extra: Node = {}): Node => ({ type: "paragraph", children, direction: "ltr", format: "", indent: 0, version: 1, ...extra });
const link = (url: unknown, children: Node[], extra: Node = {}): Node => ({ type: "link", url, children, direction: "ltr", format: "", indent: 0, version: 1, ...extra });
const list = (children: Node[], extra: Node = {}): Node => ({ type: "list", listType: "bullet", children, ...extra });
const item = (children: Node[]): Node => ({ type: "listitem", children });
const doc = (...children: Node[]) => JSON.stringify({ root: { type: "root", children, direction: "ltr", format: "", indent: 0, version: 1 } });

function ok(result: RichTextResult): RichText {
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.value;
}
function refused(result: RichTextResult): string {
  if (result.ok) throw new Error(`expected a refusal, got: ${result.value.html}`);
  return result.message;
}
const lexical = (json: string, options: Parameters<typeof parseRichText>[2] = LABEL) => parseRichText(json, "lexical", options);

describe("parseRichText: plain text", () => {
  it("escapes markup: <script> comes back as text, never as a tag", () => {
    const value = ok(parseRichText("<script>alert(1)</script>", null, LABEL));
    expect(value.html).not.toContain("<script");
    expect(value.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(value.text).toBe("<script>alert(1)</script>");
    const json = JSON.parse(value.json);
    expect(json.root.children[0].children[0]).toMatchObject({ type: "text", text: "<script>alert(1)</script>" });
  });

  it("escapes attribute-borne markup too", () => {
    const value = ok(parseRichText('<img src=x onerror="alert(1)">', undefined, LABEL));
    expect(value.html).not.toMatch(/<img/i);
    expect(value.html).toContain("&lt;img");
  });

  it("makes one paragraph per line (any newline convention), empty lines included", () => {
    const value = ok(parseRichText("第一行\r\n第二行\r第三行\n\n第五行", null, LABEL));
    const paragraphs = value.html.match(/<p\b/g) ?? [];
    expect(paragraphs).toHaveLength(5);
    expect(JSON.parse(value.json).root.children.map((p: Node) => p.type)).toEqual(Array(5).fill("paragraph"));
    expect(value.text.split(/\n+/)).toEqual(["第一行", "第二行", "第三行", "第五行"]);
    expect(value.html).toContain("第二行");
  });

  it("treats any format other than lexical as plain text, so JSON typed into the textarea stays text", () => {
    const typed = doc(paragraph([text("x")]));
    const value = ok(parseRichText(typed, "html", LABEL));
    expect(value.text).toBe(typed);
  });

  it("accepts null/undefined as empty when not required", () => {
    expect(ok(parseRichText(null, null, LABEL)).text).toBe("");
    expect(ok(parseRichText(undefined, undefined, LABEL)).text).toBe("");
  });

  it("plainTextToLexical builds a canonical document", () => {
    const state = plainTextToLexical("a\nb") as unknown as { root: { children: Node[] } };
    expect(state.root.children).toHaveLength(2);
    expect(state.root.children[1]).toMatchObject({ type: "paragraph", children: [{ type: "text", text: "b" }] });
    expect((plainTextToLexical("") as unknown as { root: { children: Node[] } }).root.children).toEqual([
      expect.objectContaining({ type: "paragraph", children: [] }),
    ]);
  });
});

describe("parseRichText: Lexical JSON", () => {
  it("accepts the allowed node types and renders them", () => {
    const value = ok(
      lexical(
        doc(
          { type: "heading", tag: "h2", children: [text("标题")] },
          paragraph([text("粗体", { format: 1 }), { type: "linebreak" }, text("斜体", { format: 2 }), { type: "tab" }]),
          { type: "quote", children: [text("引文")] },
          list([item([text("一")]), item([text("二")])], { listType: "number", start: 3 }),
        ),
      ),
    );
    expect(value.html).toMatch(/<h2[^>]*>.*标题.*<\/h2>/);
    expect(value.html).toMatch(/<strong[^>]*>粗体<\/strong>/);
    expect(value.html).toContain("<br>");
    expect(value.html).toMatch(/<blockquote[^>]*>.*引文.*<\/blockquote>/);
    expect(value.html).toMatch(/<ol[^>]*>.*<li[^>]*>.*一.*<\/li>.*<\/ol>/);
    expect(value.text).toContain("标题");
    expect(value.text).toContain("引文");
    const json = JSON.parse(value.json);
    expect(json.root.children.map((n: Node) => n.type)).toEqual(["heading", "paragraph", "quote", "list"]);
    expect(json.root.children[3]).toMatchObject({ listType: "number", start: 3, tag: "ol" });
  });

  it("refuses an unknown node type with a Chinese message", () => {
    expect(refused(lexical(doc(paragraph([{ type: "image", src: "https://example.org/x.png" }]))))).toBe("询问内容：不支持的内容类型：image");
    expect(refused(lexical(doc({ type: "html", html: "<script>alert(1)</script>", children: [] })))).toMatch(/^询问内容：不支持的内容类型/);
    // a long type name is cut short in the message
    expect(refused(lexical(doc(paragraph([{ type: "x".repeat(100) }]))))).toBe(`询问内容：不支持的内容类型：${"x".repeat(30)}`);
  });

  it("refuses inline nodes at the top level and documents without a root", () => {
    expect(refused(lexical(doc(text("loose text"))))).toBe("询问内容：内容格式无法识别");
    expect(refused(lexical(doc(item([text("x")]))))).toBe("询问内容：内容格式无法识别");
    for (const raw of ["null", "[]", "{}", '{"root":null}', '{"root":{"type":"paragraph","children":[]}}', '{"root":{"type":"root"}}']) {
      expect(refused(lexical(raw)), raw).toMatch(/^询问内容/);
    }
  });

  it("refuses nodes that are not objects, text without a string, elements without children", () => {
    expect(refused(lexical(doc(paragraph(["just a string" as unknown as Node]))))).toBe("询问内容：内容格式无法识别");
    expect(refused(lexical(doc(paragraph([{ type: "text", text: 42 }]))))).toBe("询问内容：内容格式无法识别");
    expect(refused(lexical(doc({ type: "paragraph" })))).toBe("询问内容：内容格式无法识别");
  });

  it("refuses malformed JSON", () => {
    expect(refused(lexical('{"root": {'))).toBe("询问内容的内容格式无法识别，请刷新页面后重试");
    expect(refused(lexical(""))).toBe("询问内容的内容格式无法识别，请刷新页面后重试");
  });

  it("turns a javascript:, file:, Word #_Toc, protocol-relative or other-scheme link into plain text, keeping its words", () => {
    const urls = [
      "javascript:alert(1)", "JavaScript:alert(1)", "  javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x",
      "file:///C:/Users/zhang/Documents/%E6%8A%A5%E5%91%8A.docx", "file:///etc/passwd", "#_Toc123456789", "ftp://example.org", "example.org",
      "//evil.example/login", "/\\evil.example", "https:\\\\evil.example", 42, `https://example.org/${"a".repeat(2000)}`,
    ];
    for (const url of urls) {
      const value = ok(lexical(doc(paragraph([text("见"), link(url, [text("第一章 总体要求")]), text("。")]))));
      expect(value.html, String(url)).toBe('<p class="rt-p">见第一章 总体要求。</p>');
      expect(value.text).toBe("见第一章 总体要求。");
      expect(value.json).not.toContain('"link"');
    }
  });

  it("keeps a pasted Word report with a table-of-contents anchor and a file link: only those links become text", () => {
    const value = ok(
      lexical(
        doc(
          paragraph([link("#_Toc71234567", [text("一、基本情况")])]),
          paragraph([text("详见"), link("file:///C:/报告/附件1.xlsx", [text("附件1")]), text("，政策原文见"), link("https://www.gov.cn/", [text("中国政府网")])]),
        ),
      ),
    );
    expect(value.html).toBe('<p class="rt-p">一、基本情况</p><p class="rt-p">详见附件1，政策原文见<a href="https://www.gov.cn/" rel="noopener noreferrer" class="rt-link">中国政府网</a></p>');
  });

  it("cleans control and zero-width characters from text nodes (issue 15.1, 16.6)", () => {
    const value = ok(lexical(doc(paragraph([text("农村\u200b饮水\u0000安全\u000c工程\u000b\u0001\u0008\ufeff"), text("\u0007")]))));
    expect(value.text).toBe("农村饮水安全工程");
    expect(JSON.parse(value.json).root.children[0].children).toHaveLength(1);
    const plain = ok(parseRichText("第一行\u000c\r\n第二行\u0000", null, LABEL));
    expect(plain.text).toBe("第一行\n\n第二行");
  });

  it("keeps an http(s), mailto or site-relative link and renders it as <a href>, with its own rel and no target", () => {
    const value = ok(
      lexical(
        doc(
          paragraph([
            link("https://www.npc.gov.cn/npc/c2/c30834/201905/t20190521_268519.html?a=1&b=2", [text("监督法")], { target: "_blank", rel: "opener", title: "t" }),
            link(" http://example.org ", [text("二")]),
            link("mailto:office@example.org", [text("邮件")]),
            link("/inquiries/1", [text("本站")]),
          ]),
        ),
      ),
    );
    expect(value.html).toContain('<a href="https://www.npc.gov.cn/npc/c2/c30834/201905/t20190521_268519.html?a=1&amp;b=2" rel="noopener noreferrer"');
    expect(value.html).toContain('href="http://example.org"');
    expect(value.html).toContain('href="mailto:office@example.org"');
    expect(value.html).toContain('href="/inquiries/1"');
    expect(value.html).not.toContain("target=");
    expect(value.html).not.toContain("opener\"");
    expect(value.html).toMatch(/<a [^>]*>.*监督法.*<\/a>/);
    const stored = JSON.parse(value.json).root.children[0].children[0];
    expect(stored).toMatchObject({ type: "link", rel: "noopener noreferrer", target: null, title: null });
  });

  it("escapes every character that matters in HTML, in text and in URLs", () => {
    const value = ok(lexical(doc(paragraph([text(`a&b<c>d"e'f`), link(`https://example.org/?q='x'&y="z"<>`, [text("链")])]))));
    expect(value.html).toContain("a&amp;b&lt;c&gt;d&quot;e&#39;f");
    expect(value.html).toContain('href="https://example.org/?q=&#39;x&#39;&amp;y=&quot;z&quot;&lt;&gt;"');
  });

  it("emits only allow-listed elements and attributes", () => {
    const value = ok(
      lexical(
        doc(
          { type: "heading", tag: "h2", children: [text("一", { format: 255 })], format: "center", indent: 2 },
          { type: "heading", tag: "script", children: [text("二")] },
          paragraph([text("三"), { type: "linebreak" }, { type: "tab" }, link("https://example.org", [text("四")])], { format: "right" }),
          { type: "quote", children: [text("五")] },
          list([item([text("六")]), item([list([item([text("七")])])])], { listType: "number", start: 7 }),
          list([item([text("八")])]),
        ),
      ),
    );
    const tags = new Set([...value.html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1].toLowerCase()));
    const allowed = ["p", "br", "strong", "em", "s", "span", "code", "sub", "sup", "mark", "h2", "h3", "h4", "blockquote", "ol", "ul", "li", "a"];
    expect([...tags].filter((tag) => !allowed.includes(tag))).toEqual([]);
    const attributes = new Set([...value.html.matchAll(/\s([a-zA-Z-]+)=/g)].map((m) => m[1].toLowerCase()));
    expect([...attributes].filter((a) => !["class", "style", "href", "rel", "start", "value", "dir"].includes(a))).toEqual([]);
    for (const word of ["一", "二", "三", "四", "五", "六", "七", "八"]) expect(value.html).toContain(word);
  });

  it("escapes quotes in a link URL instead of letting them close the attribute", () => {
    const value = ok(lexical(doc(paragraph([link('https://example.org/" onclick="alert(1)', [text("x")])]))));
    // the whole URL stays inside the href value; no onclick attribute appears
    expect(value.html).toContain('<a href="https://example.org/&quot; onclick=&quot;alert(1)" rel="noopener noreferrer"');
    expect(value.html).not.toContain('onclick="');
  });

  it("drops a text node's style and keeps only the known format bits", () => {
    const value = ok(lexical(doc(paragraph([text("红字", { style: "color: red; background: url(javascript:alert(1))", format: 1 | 4096, mode: "token", detail: 3 })]))));
    expect(value.html).not.toContain("color: red");
    expect(value.html).not.toContain("javascript");
    expect(value.json).not.toContain("color: red");
    const node = JSON.parse(value.json).root.children[0].children[0];
    expect(node).toEqual({ type: "text", text: "红字", format: 1, style: "", mode: "normal", detail: 0, version: 1 });
  });

  it("drops unknown fields and clamps element fields", () => {
    const value = ok(
      lexical(doc(paragraph([text("x")], { format: "evil", indent: 99, direction: "rtl", onclick: "alert(1)", $: { x: 1 } }), { type: "heading", tag: "h1", children: [text("h")] })),
    );
    const [p, h] = JSON.parse(value.json).root.children;
    expect(p).toEqual({ type: "paragraph", children: [expect.any(Object)], direction: "rtl", format: "", indent: 10, version: 1, textFormat: 0, textStyle: "" });
    expect(h.tag).toBe("h3");
    expect(value.json).not.toContain("onclick");
    expect(value.html).not.toContain("onclick");
  });

  it("re-parsing its own output is stable (canonical form)", () => {
    const first = ok(lexical(doc(paragraph([text("甲", { format: 3 }), link("https://example.org", [text("乙")])]), list([item([text("丙")])]))));
    const second = ok(lexical(first.json));
    expect(second).toEqual(first);
    expect(renderStoredRichText(first.json)).toEqual(first);
  });

  it("refuses a document nested deeper than the limit", () => {
    const nest = (levels: number): Node => {
      let node: Node = text("深");
      for (let i = 0; i < levels; i++) node = { type: "quote", children: [node] };
      return node;
    };
    // quotes at depths 1..n, the text at n+1
    expect(RICH_TEXT_LIMITS.depth).toBe(12);
    expect(lexical(doc(nest(RICH_TEXT_LIMITS.depth - 1)))).toMatchObject({ ok: true });
    expect(refused(lexical(doc(nest(RICH_TEXT_LIMITS.depth))))).toBe("询问内容：内容嵌套层级过深");
    // deeply nested lists too, long before the stack would suffer
    let deep: Node = text("x");
    for (let i = 0; i < 500; i++) deep = list([item([deep])]);
    expect(refused(lexical(doc(deep)))).toBe("询问内容：内容嵌套层级过深");
  });

  it("refuses more nodes than the limit", () => {
    const breaks = Array.from({ length: RICH_TEXT_LIMITS.nodes }, () => ({ type: "linebreak" }));
    const json = doc(paragraph(breaks)); // the paragraph plus 20 000 line breaks
    expect(Buffer.byteLength(json)).toBeLessThan(RICH_TEXT_LIMITS.jsonBytes);
    expect(refused(lexical(json))).toBe("询问内容：内容过长");
  });

  // Regression: Lexical's own DOM export dropped a nested list in the *first* item of a list (what
  // indenting the first bullet, or pasting such a list, produces): the stored HTML lost that content.
  it("the HTML shows all the text the document holds (nested list in the first item)", () => {
    const value = ok(lexical(doc(list([item([list([item([text("缩进的第一项")])])]), item([text("第二项")])]))));
    expect(value.text).toContain("缩进的第一项");
    expect(value.html).toContain("缩进的第一项");
  });
});

describe("parseRichText: limits and required", () => {
  it("refuses input over RICH_TEXT_LIMITS.jsonBytes (counted in UTF-8 bytes), in either format", () => {
    expect(RICH_TEXT_LIMITS.jsonBytes).toBe(512 * 1024);
    const message = "询问内容过长，请精简后再提交";
    expect(refused(parseRichText("a".repeat(RICH_TEXT_LIMITS.jsonBytes + 1), null, LABEL))).toBe(message);
    expect(refused(lexical(doc(paragraph([text("a".repeat(RICH_TEXT_LIMITS.jsonBytes))]))))).toBe(message);
    // 3 bytes per Chinese character: fewer characters than the limit, more bytes
    const chinese = "询".repeat(Math.floor(RICH_TEXT_LIMITS.jsonBytes / 3) + 1);
    expect(chinese.length).toBeLessThan(RICH_TEXT_LIMITS.jsonBytes);
    expect(refused(parseRichText(chinese, null, LABEL))).toBe(message);
  });

  it("refuses text longer than maxChars (default RICH_TEXT_LIMITS.textChars)", () => {
    expect(refused(parseRichText("a".repeat(RICH_TEXT_LIMITS.textChars + 1), null, LABEL))).toBe(`询问内容不能超过 ${RICH_TEXT_LIMITS.textChars} 个字`);
    expect(ok(parseRichText("a".repeat(RICH_TEXT_LIMITS.textChars), null, LABEL)).text).toHaveLength(RICH_TEXT_LIMITS.textChars);
    expect(refused(parseRichText("一二三四五六", null, { label: "标题", maxChars: 5 }))).toBe("标题不能超过 5 个字");
  });

  it("refuses an empty value when required, with 请填写", () => {
    const required = { label: "询问内容", required: true };
    expect(refused(parseRichText("", null, required))).toBe("请填写询问内容");
    expect(refused(parseRichText("  \n \n\t", null, required))).toBe("请填写询问内容");
    expect(refused(lexical(doc(paragraph([])), required))).toBe("请填写询问内容");
    expect(refused(lexical(doc(paragraph([text("   ")]), paragraph([{ type: "linebreak" }])), required))).toBe("请填写询问内容");
    expect(refused(lexical(doc(), required))).toBe("请填写询问内容"); // a root without children
    expect(ok(parseRichText("有内容", null, required)).text).toBe("有内容");
  });

  it("accepts an empty value when not required", () => {
    const value = ok(parseRichText("", null, LABEL));
    expect(value).toEqual(emptyRichText());
    expect(value.text).toBe("");
  });
});

describe("richTextFromForm", () => {
  it("reads the value and its `${name}__format` marker", () => {
    expect(formatFieldName("question")).toBe("question__format");
    const form = new FormData();
    form.set("question", doc(paragraph([text("来自编辑器", { format: 1 })])));
    form.set("question__format", "lexical");
    const value = ok(richTextFromForm(form, "question", LABEL));
    expect(value.text).toBe("来自编辑器");
    expect(value.html).toContain("<strong");
  });

  it("without the marker the value is plain text", () => {
    const form = new FormData();
    const json = doc(paragraph([text("x")]));
    form.set("question", json);
    expect(ok(richTextFromForm(form, "question", LABEL)).text).toBe(json);
    // the marker of another field does not count
    form.set("answer__format", "lexical");
    expect(ok(richTextFromForm(form, "question", LABEL)).text).toBe(json);
  });

  it("a missing field or a file is treated as empty", () => {
    const form = new FormData();
    expect(refused(richTextFromForm(form, "question", { label: "询问内容", required: true }))).toBe("请填写询问内容");
    form.set("question", new Blob(["<script>"]), "evil.html");
    form.set("question__format", "lexical");
    expect(refused(richTextFromForm(form, "question", { label: "询问内容", required: true }))).toBe("询问内容的内容格式无法识别，请刷新页面后重试");
  });

  it("passes the refusal through for bad JSON", () => {
    const form = new FormData();
    form.set("answer", doc(paragraph([{ type: "script", children: [] }])));
    form.set("answer__format", "lexical");
    expect(refused(richTextFromForm(form, "answer", { label: "回答" }))).toBe("回答：不支持的内容类型：script");
  });
});
