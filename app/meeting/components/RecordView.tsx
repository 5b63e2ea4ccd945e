import type { ReactNode } from "react";
import { RichTextView } from "~/components/RichTextEditor";
import type { SegmentKind, TurnKind } from "../../../db/schema";
import { SEGMENT_KIND_LABELS } from "../labels";

/** One segment of the record as the pages show it (the shape made by shapeSegment on the server). */
export interface SegmentData {
  id: number;
  kind: SegmentKind;
  position: number;
  keyword: string;
  headline: string;
  unplanned: boolean;
  outline_question_id: number | null;
  questioner_name: string;
  questioner_role: string;
  department_id: number | null;
  department_name: string | null;
  version: number;
  turns: { id: number; kind: TurnKind; lead: string; body_html: string; organization_id: number | null }[];
}

export function TurnView({ lead, html, kind, children }: { lead: string; html: string; kind: TurnKind; children?: ReactNode }) {
  return (
    <div className={`mt-turn mt-turn-${kind}`} data-testid="turn">
      <span className="mt-lead">{lead}</span>
      <RichTextView html={html} className="mt-body" />
      {children}
    </div>
  );
}

export function SegmentHead({ segment, number }: { segment: SegmentData; number: number }) {
  return (
    <header className="mt-seg-head">
      <span className="mt-seg-no">{number}</span>
      <span className="badge">{SEGMENT_KIND_LABELS[segment.kind]}</span>
      {segment.kind === "exchange" ? (
        <>
          {segment.keyword ? <strong className="mt-seg-kw">{segment.keyword}</strong> : <span className="muted">未分关键词</span>}
          {segment.headline ? <span className="mt-seg-headline">{segment.headline}</span> : null}
          <span className={`badge ${segment.unplanned ? "warn" : "ok"}`}>{segment.unplanned ? "现场提问" : "提纲问题"}</span>
          {segment.department_name ? <span className="muted">应询：{segment.department_name}</span> : null}
        </>
      ) : null}
    </header>
  );
}

/** A segment with its turns; `renderTurnExtra` adds per-turn content (correction history and forms). */
export function SegmentView({
  segment,
  number,
  actions,
  renderTurnExtra,
}: {
  segment: SegmentData;
  number: number;
  actions?: ReactNode;
  renderTurnExtra?: (turn: SegmentData["turns"][number]) => ReactNode;
}) {
  return (
    <article className="mt-segment" id={`segment-${segment.id}`} data-testid="segment" aria-label={`第 ${number} 条记录`}>
      <div className="mt-seg-top">
        <SegmentHead segment={segment} number={number} />
        {actions ? <div className="mt-seg-actions no-print">{actions}</div> : null}
      </div>
      {segment.turns.map((t) => (
        <TurnView key={t.id} lead={t.lead} html={t.body_html} kind={t.kind}>
          {renderTurnExtra?.(t)}
        </TurnView>
      ))}
    </article>
  );
}
