import { LinkNode } from "@lexical/link";
import { ListItemNode, ListNode } from "@lexical/list";
import { HeadingNode, QuoteNode } from "@lexical/rich-text";
import type { EditorThemeClasses, Klass, LexicalNode } from "lexical";

/** The node types rich text may hold; anything else is refused on the server. Shared by editor and server. */
export const RICH_TEXT_NODES: Klass<LexicalNode>[] = [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode];

export const RICH_TEXT_THEME: EditorThemeClasses = {
  paragraph: "rt-p",
  heading: { h2: "rt-h2", h3: "rt-h3", h4: "rt-h4" },
  quote: "rt-quote",
  list: { ul: "rt-ul", ol: "rt-ol", listitem: "rt-li" },
  link: "rt-link",
  text: { bold: "rt-bold", italic: "rt-italic", underline: "rt-underline", strikethrough: "rt-strike" },
};

/** The form field that says the value is Lexical JSON (set by the editor); without it the value is plain text. */
export function formatFieldName(name: string): string {
  return `${name}__format`;
}

/**
 * Whether a link may stay a link: http(s) and mailto addresses, and paths on this site (`/inquiries/1`, not
 * `//host` or `/\host`, which browsers treat as another site). Anything else — a Word `#_Toc…` anchor, a
 * `file:///C:/…` path, `javascript:` — becomes plain text, in the editor on paste and on the server. Shared by
 * both, so they never disagree. Browsers drop tabs and newlines inside a URL, so those are removed first.
 */
export function normalizeLinkUrl(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 2000) return null;
  const url = value.replace(/[\t\n\r]/g, "").trim();
  if (/^https?:\/\/[^/\\\s]/i.test(url) || /^mailto:[^\s]/i.test(url)) return url;
  if (/^\/(?![/\\])/.test(url)) return url;
  return null;
}
