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
