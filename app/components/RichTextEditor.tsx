import { $isLinkNode, LinkNode } from "@lexical/link";
import { INSERT_ORDERED_LIST_COMMAND, INSERT_UNORDERED_LIST_COMMAND } from "@lexical/list";
import { LexicalComposer } from "@lexical/react/LexicalComposer";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { ContentEditable } from "@lexical/react/LexicalContentEditable";
import { LexicalErrorBoundary } from "@lexical/react/LexicalErrorBoundary";
import { HistoryPlugin } from "@lexical/react/LexicalHistoryPlugin";
import { ListPlugin } from "@lexical/react/LexicalListPlugin";
import { OnChangePlugin } from "@lexical/react/LexicalOnChangePlugin";
import { RichTextPlugin } from "@lexical/react/LexicalRichTextPlugin";
import { $createHeadingNode, $createQuoteNode } from "@lexical/rich-text";
import { $setBlocksType } from "@lexical/selection";
import { $findMatchingParent, $unwrapNode } from "@lexical/utils";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isRangeSelection,
  FORMAT_TEXT_COMMAND,
  REDO_COMMAND,
  UNDO_COMMAND,
  type EditorState,
} from "lexical";
import { useEffect, useId, useState } from "react";
import { RICH_TEXT_NODES, RICH_TEXT_THEME, formatFieldName, normalizeLinkUrl } from "~/richtext/config";

/** What the server stored or what the user typed: Lexical JSON, or plain text when JavaScript was off. */
function asLexicalJson(value: string): string | null {
  if (!value.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(value);
    return parsed?.root?.type === "root" ? value : null;
  } catch {
    return null;
  }
}

/** Plain text of a stored value, for the textarea shown before JavaScript loads. */
function plainTextOf(value: string): string {
  const json = asLexicalJson(value);
  if (!json) return value;
  const lines: string[] = [];
  const walk = (node: any): string =>
    node.type === "text" ? node.text : node.type === "linebreak" ? "\n" : (node.children ?? []).map(walk).join("");
  for (const block of JSON.parse(json).root.children ?? []) lines.push(walk(block));
  return lines.join("\n");
}

export interface RichTextEditorProps {
  name: string;
  label: string;
  /** Stored Lexical JSON, or the text the user had typed when the form came back with an error. */
  defaultValue?: string;
  error?: string;
  required?: boolean;
  rows?: number;
  hint?: string;
}

/**
 * A textarea that works without JavaScript, enhanced into a Lexical editor once the page is hydrated. The
 * editor posts its JSON in a hidden field of the same name, plus a marker field saying it is JSON.
 */
export function RichTextEditor({ name, label, defaultValue = "", error, required, rows = 8, hint }: RichTextEditorProps) {
  const id = useId();
  const [enhanced, setEnhanced] = useState(false);
  const [json, setJson] = useState<string>(() => asLexicalJson(defaultValue) ?? "");
  useEffect(() => setEnhanced(true), []);
  const errorId = `${id}-error`;
  const labelNode = (
    <label htmlFor={id} className="field-label">
      {label}
      {required ? <span className="required">*</span> : null}
    </label>
  );
  if (!enhanced) {
    return (
      <div className="field">
        {labelNode}
        <textarea
          id={id}
          name={name}
          rows={rows}
          defaultValue={plainTextOf(defaultValue)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
        />
        {hint ? <p className="field-hint">{hint}</p> : null}
        {error ? <p id={errorId} className="field-error">{error}</p> : null}
      </div>
    );
  }
  const initial = asLexicalJson(defaultValue);
  return (
    <div className="field">
      {labelNode}
      <LexicalComposer
        initialConfig={{
          namespace: name,
          nodes: RICH_TEXT_NODES,
          theme: RICH_TEXT_THEME,
          onError: (e) => console.error(e),
          editorState: initial
            ? initial
            : () => {
                const root = $getRoot();
                for (const line of defaultValue.replace(/\r\n?/g, "\n").split("\n")) {
                  const p = $createParagraphNode();
                  if (line) p.append($createTextNode(line));
                  root.append(p);
                }
              },
        }}
      >
        <div className={`rt-editor${error ? " rt-editor-invalid" : ""}`}>
          <Toolbar />
          <RichTextPlugin
            contentEditable={
              <ContentEditable
                id={id}
                className="rt-content"
                style={{ minHeight: `${rows * 1.6}em` }}
                aria-label={label}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? errorId : undefined}
                data-testid={`rte-${name}`}
              />
            }
            ErrorBoundary={LexicalErrorBoundary}
          />
          <HistoryPlugin />
          <ListPlugin />
          <LinkPolicyPlugin />
          <OnChangePlugin
            ignoreSelectionChange
            onChange={(state: EditorState) => setJson(JSON.stringify(state.toJSON()))}
          />
          <InitialJson onReady={setJson} />
        </div>
      </LexicalComposer>
      <input type="hidden" name={name} value={json} />
      <input type="hidden" name={formatFieldName(name)} value="lexical" />
      {hint ? <p className="field-hint">{hint}</p> : null}
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
    </div>
  );
}

/** Fills the hidden field with the initial document so an untouched editor still posts its content. */
function InitialJson({ onReady }: { onReady: (json: string) => void }) {
  const [editor] = useLexicalComposerContext();
  useEffect(() => {
    onReady(JSON.stringify(editor.getEditorState().toJSON()));
  }, [editor, onReady]);
  return null;
}

/**
 * Links the server would not keep (a Word `#_Toc…` anchor, `file:///C:/…`, `javascript:`, `//host`) become their
 * plain words as soon as they enter the editor, by paste or otherwise — the same rule as the server's
 * (normalizeLinkUrl), so what the user sees is what is stored.
 */
function LinkPolicyPlugin() {
  const [editor] = useLexicalComposerContext();
  useEffect(
    () =>
      editor.registerNodeTransform(LinkNode, (node) => {
        if (normalizeLinkUrl(node.getURL()) === null) $unwrapNode(node);
      }),
    [editor],
  );
  return null;
}

/** Removes the links the selection (or the cursor) is in, keeping their words. */
function $removeSelectedLinks() {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return;
  const links = new Map<string, LinkNode>();
  for (const node of selection.getNodes()) {
    const link = $isLinkNode(node) ? node : $findMatchingParent(node, $isLinkNode);
    if (link) links.set(link.getKey(), link);
  }
  for (const link of links.values()) $unwrapNode(link);
}

function Toolbar() {
  const [editor] = useLexicalComposerContext();
  const block = (create: () => any) =>
    editor.update(() => {
      const selection = $getSelection();
      if ($isRangeSelection(selection)) $setBlocksType(selection, create);
    });
  const button = (label: string, title: string, onClick: () => void) => (
    // the accessible name contains the visible words (WCAG 2.5.3), so "1. 列表" said aloud finds the button
    <button type="button" className="rt-tool" title={title} aria-label={title.includes(label) ? title : `${label}（${title}）`} onMouseDown={(e) => e.preventDefault()} onClick={onClick}>
      {label}
    </button>
  );
  return (
    <div className="rt-toolbar" role="toolbar" aria-label="格式">
      {button("B", "加粗 (Ctrl+B)", () => editor.dispatchCommand(FORMAT_TEXT_COMMAND, "bold"))}
      {button("I", "倾斜 (Ctrl+I)", () => editor.dispatchCommand(FORMAT_TEXT_COMMAND, "italic"))}
      {button("U", "下划线 (Ctrl+U)", () => editor.dispatchCommand(FORMAT_TEXT_COMMAND, "underline"))}
      {button("标题", "小标题", () => block(() => $createHeadingNode("h3")))}
      {button("正文", "正文段落", () => block(() => $createParagraphNode()))}
      {button("引用", "引用", () => block(() => $createQuoteNode()))}
      {button("• 列表", "项目符号列表", () => editor.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined))}
      {button("1. 列表", "编号列表", () => editor.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined))}
      {button("取消链接", "取消链接（保留文字）", () => editor.update($removeSelectedLinks))}
      {button("↶", "撤销 (Ctrl+Z)", () => editor.dispatchCommand(UNDO_COMMAND, undefined))}
      {button("↷", "重做 (Ctrl+Y)", () => editor.dispatchCommand(REDO_COMMAND, undefined))}
    </div>
  );
}

/** Displays server-rendered rich text (never HTML that came from a client). */
export function RichTextView({ html, className }: { html: string; className?: string }) {
  return <div className={`rt-view ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
