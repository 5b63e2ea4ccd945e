import { createHeadlessEditor } from "@lexical/headless";
import { $getRoot, type LexicalEditor, type SerializedEditorState } from "lexical";
import { cleanText, jsonDepth } from "../utils/text";
import { RICH_TEXT_NODES, RICH_TEXT_THEME, formatFieldName, normalizeLinkUrl } from "./config";

/**
 * Rich text arrives as Lexical JSON (from the editor) or plain text (from the bare textarea without
 * JavaScript). Either way the server rebuilds a canonical document from an allow-list of node types and
 * fields, then derives the plain text (for search) and the HTML (for display, print and export) itself.
 * HTML from the client is never used. See docs/decisions/0003-rich-text.md.
 */
export interface RichText {
  json: string;
  text: string;
  html: string;
}

export const RICH_TEXT_LIMITS = { jsonBytes: 512 * 1024, textChars: 50_000, depth: 12, nodes: 20_000 };

export type RichTextResult = { ok: true; value: RichText } | { ok: false; message: string };

let editor: LexicalEditor | undefined;
function headlessEditor(): LexicalEditor {
  editor ??= createHeadlessEditor({
    namespace: "xunwen",
    nodes: RICH_TEXT_NODES,
    theme: RICH_TEXT_THEME,
    onError: (error) => {
      throw error;
    },
  });
  return editor;
}

class InvalidRichText extends Error {}

type Json = Record<string, unknown>;

const ELEMENT_FORMATS = new Set(["", "left", "center", "right", "justify", "start", "end"]);
const HEADING_TAGS = new Set(["h2", "h3", "h4"]);
// bold, italic, strikethrough, underline, code, subscript, superscript, highlight: Lexical's format bits
const TEXT_FORMAT_MASK = 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128;

function elementFields(node: Json, children: Json[]): Json {
  const format = typeof node.format === "string" && ELEMENT_FORMATS.has(node.format) ? node.format : "";
  const indent = Number.isInteger(node.indent) ? Math.min(Math.max(node.indent as number, 0), 10) : 0;
  const direction = node.direction === "rtl" ? "rtl" : node.direction === null ? null : "ltr";
  return { children, direction, format, indent, version: 1 };
}

/**
 * Rebuilds a node from known fields only; unknown types are refused. Returns the nodes that take its place:
 * usually itself; nothing for a text node left empty by cleaning; its children for a link whose address is not
 * allowed (`normalizeLinkUrl`: the words stay, as plain text). Text is cleaned (`cleanText`) here, whatever
 * the client sent.
 */
function canonicalNode(node: unknown, depth: number, counter: { nodes: number }): Json[] {
  if (!node || typeof node !== "object" || Array.isArray(node)) throw new InvalidRichText("内容格式无法识别");
  if (depth > RICH_TEXT_LIMITS.depth) throw new InvalidRichText("内容嵌套层级过深");
  if (++counter.nodes > RICH_TEXT_LIMITS.nodes) throw new InvalidRichText("内容过长");
  const n = node as Json;
  const kids = () => {
    if (!Array.isArray(n.children)) throw new InvalidRichText("内容格式无法识别");
    return n.children.flatMap((child) => canonicalNode(child, depth + 1, counter));
  };
  switch (n.type) {
    case "text": {
      if (typeof n.text !== "string") throw new InvalidRichText("内容格式无法识别");
      const text = cleanText(n.text);
      if (!text) return [];
      const format = Number.isInteger(n.format) ? (n.format as number) & TEXT_FORMAT_MASK : 0;
      return [{ type: "text", text, format, style: "", mode: "normal", detail: 0, version: 1 }];
    }
    case "linebreak":
      return [{ type: "linebreak", version: 1 }];
    case "tab":
      return [{ type: "tab", text: "\t", format: 0, style: "", mode: "normal", detail: 2, version: 1 }];
    case "paragraph":
      return [{ type: "paragraph", ...elementFields(n, kids()), textFormat: 0, textStyle: "" }];
    case "heading": {
      const tag = typeof n.tag === "string" && HEADING_TAGS.has(n.tag) ? n.tag : "h3";
      return [{ type: "heading", tag, ...elementFields(n, kids()) }];
    }
    case "quote":
      return [{ type: "quote", ...elementFields(n, kids()) }];
    case "list": {
      const listType = n.listType === "number" ? "number" : "bullet";
      const start = Number.isInteger(n.start) ? Math.min(Math.max(n.start as number, 1), 10_000) : 1;
      return [{ type: "list", listType, start, tag: listType === "number" ? "ol" : "ul", ...elementFields(n, kids()) }];
    }
    case "listitem": {
      const value = Number.isInteger(n.value) ? Math.min(Math.max(n.value as number, 1), 10_000) : 1;
      return [{ type: "listitem", value, ...elementFields(n, kids()) }];
    }
    case "link": {
      const url = normalizeLinkUrl(n.url);
      const children = kids();
      if (url === null) return children;
      return [{ type: "link", url, rel: "noopener noreferrer", target: null, title: null, ...elementFields(n, children) }];
    }
    default:
      throw new InvalidRichText(`不支持的内容类型：${String(n.type).slice(0, 30)}`);
  }
}

function canonicalDocument(parsed: unknown): SerializedEditorState {
  const root = (parsed as { root?: Json } | null)?.root;
  if (!root || root.type !== "root" || !Array.isArray(root.children)) throw new InvalidRichText("内容格式无法识别");
  const counter = { nodes: 0 };
  const children = root.children.flatMap((child) => canonicalNode(child, 1, counter));
  for (const child of children) {
    if (!["paragraph", "heading", "quote", "list"].includes(child.type as string)) {
      throw new InvalidRichText("内容格式无法识别");
    }
  }
  return { root: { type: "root", ...elementFields(root, children) } } as unknown as SerializedEditorState;
}

/** Builds a Lexical document from plain text: one paragraph per line. */
export function plainTextToLexical(text: string): SerializedEditorState {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const children = lines.map((line) => ({
    type: "paragraph",
    children: line ? [{ type: "text", text: line, format: 0, style: "", mode: "normal", detail: 0, version: 1 }] : [],
    direction: "ltr",
    format: "",
    indent: 0,
    version: 1,
    textFormat: 0,
    textStyle: "",
  }));
  return { root: { type: "root", children, direction: "ltr", format: "", indent: 0, version: 1 } } as unknown as SerializedEditorState;
}

/**
 * Derives the stored triple from a canonical document. Lexical itself parses the document (so only what
 * the editor can load is stored) and extracts the text; the HTML comes from `toHtml`, a serializer of the
 * canonical node set: Lexical's DOM export through happy-dom costs ~5 ms a document, this ~0.05 ms, which
 * matters for imports and a hundred progress reports a second (see docs/decisions/0003).
 */
function render(doc: SerializedEditorState): RichText {
  const ed = headlessEditor();
  const state = ed.parseEditorState(doc);
  const text = state.read(() => $getRoot().getTextContent());
  return { json: JSON.stringify(doc), text: text.trim(), html: toHtml(doc) };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Text format bits (Lexical's), outermost first, with their elements. */
const TEXT_FORMATS: [number, string, string][] = [
  [1, "<strong class=\"rt-bold\">", "</strong>"],
  [2, "<em class=\"rt-italic\">", "</em>"],
  [4, "<s class=\"rt-strike\">", "</s>"],
  [8, "<span class=\"rt-underline\">", "</span>"],
  [16, "<code>", "</code>"],
  [32, "<sub>", "</sub>"],
  [64, "<sup>", "</sup>"],
  [128, "<mark>", "</mark>"],
];

function blockStyle(node: Json): string {
  const styles: string[] = [];
  if (node.format && node.format !== "start") styles.push(`text-align: ${node.format}`);
  if (typeof node.indent === "number" && node.indent > 0) styles.push(`padding-inline-start: ${node.indent * 2}em`);
  return styles.length ? ` style="${styles.join("; ")}"` : "";
}

/** HTML of a canonical document (every value escaped; only allow-listed elements and attributes). */
export function toHtml(doc: SerializedEditorState): string {
  const node = (n: Json): string => {
    const children = () => ((n.children as Json[]) ?? []).map(node).join("");
    switch (n.type) {
      case "text": {
        let html = escapeHtml(n.text as string);
        for (const [bit, open, close] of [...TEXT_FORMATS].reverse()) if (((n.format as number) & bit) !== 0) html = open + html + close;
        return html;
      }
      case "linebreak":
        return "<br>";
      case "tab":
        return "\t";
      case "paragraph": {
        const inner = children();
        return `<p class="rt-p"${blockStyle(n)}>${inner || "<br>"}</p>`;
      }
      case "heading":
        return `<${n.tag} class="rt-${n.tag}"${blockStyle(n)}>${children()}</${n.tag}>`;
      case "quote":
        return `<blockquote class="rt-quote"${blockStyle(n)}>${children()}</blockquote>`;
      case "list":
        return n.listType === "number"
          ? `<ol class="rt-ol"${n.start !== 1 ? ` start="${n.start}"` : ""}>${children()}</ol>`
          : `<ul class="rt-ul">${children()}</ul>`;
      case "listitem":
        return `<li class="rt-li" value="${n.value}"${blockStyle(n)}>${children()}</li>`;
      case "link":
        return `<a href="${escapeHtml(n.url as string)}" rel="noopener noreferrer" class="rt-link">${children()}</a>`;
      default:
        return "";
    }
  };
  return ((doc.root as unknown as Json).children as Json[]).map(node).join("");
}

/**
 * Parses what a form sent for a rich-text field. `required` makes an empty document an error;
 * `label` names the field in messages.
 */
export function parseRichText(
  raw: string | null | undefined,
  format: string | null | undefined,
  options: { label: string; required?: boolean; maxChars?: number },
): RichTextResult {
  const value = raw ?? "";
  const maxChars = options.maxChars ?? RICH_TEXT_LIMITS.textChars;
  if (Buffer.byteLength(value, "utf8") > RICH_TEXT_LIMITS.jsonBytes) {
    return { ok: false, message: `${options.label}过长，请精简后再提交` };
  }
  let doc: SerializedEditorState;
  try {
    if (format === "lexical") {
      // Each node level is an object and its children array: refuse deeper text before parsing (issue 16.5).
      if (jsonDepth(value) > RICH_TEXT_LIMITS.depth * 2 + 4) return { ok: false, message: `${options.label}：内容嵌套层级过深` };
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return { ok: false, message: `${options.label}的内容格式无法识别，请刷新页面后重试` };
      }
      doc = canonicalDocument(parsed);
    } else {
      doc = plainTextToLexical(cleanText(value));
    }
    const result = render(doc);
    if (options.required && !result.text) return { ok: false, message: `请填写${options.label}` };
    if (result.text.length > maxChars) return { ok: false, message: `${options.label}不能超过 ${maxChars} 个字` };
    return { ok: true, value: result };
  } catch (error) {
    if (error instanceof InvalidRichText) return { ok: false, message: `${options.label}：${error.message}` };
    return { ok: false, message: `${options.label}的内容格式无法识别，请刷新页面后重试` };
  }
}

/** Reads a rich-text field (and its format marker) from a form. */
export function richTextFromForm(
  formData: FormData,
  name: string,
  options: { label: string; required?: boolean; maxChars?: number },
): RichTextResult {
  const raw = formData.get(name);
  const format = formData.get(formatFieldName(name));
  return parseRichText(typeof raw === "string" ? raw : "", typeof format === "string" ? format : null, options);
}

export function emptyRichText(): RichText {
  return render(plainTextToLexical(""));
}

/** Renders stored JSON again (for exports that need a fresh rendering). */
export function renderStoredRichText(json: string): RichText {
  return render(canonicalDocument(JSON.parse(json)));
}
