import { RichTextView } from "~/components/RichTextEditor";
import { formatDate } from "~/utils/time";

/** The digest as published (the shape built by buildDigest on the server), for the web and for print. */
interface Line {
  lead: string;
  paragraphs: string[];
}
export interface DigestData {
  inquiryTitle: string;
  congress: string;
  meetingDate: string | null;
  title: string;
  reporter: string;
  introHtml: string;
  introText: string;
  closingHtml: string;
  closingText: string;
  before: { id: number; lines: Line[] }[];
  groups: { keyword: string; headline: string; exchanges: { id: number; lines: Line[] }[] }[];
  after: { id: number; lines: Line[] }[];
  publishedAt: string | null;
}

function Lines({ lines }: { lines: Line[] }) {
  return (
    <>
      {lines.map((line, i) => {
        const [first = "", ...rest] = line.paragraphs;
        return (
          <div key={i} className="dg-line">
            <p>
              <strong className="dg-lead">{line.lead}</strong>
              {first}
            </p>
            {rest.map((p, j) => (
              <p key={j}>{p}</p>
            ))}
          </div>
        );
      })}
    </>
  );
}

export function DigestView({ digest }: { digest: DigestData }) {
  return (
    <article className="dg-article" data-testid="digest">
      <header className="dg-header">
        <h1 className="dg-title" data-testid="digest-title">{digest.title}</h1>
        {digest.reporter ? <p className="dg-reporter">{digest.reporter}</p> : null}
        <p className="dg-source muted">
          {digest.congress}
          {digest.meetingDate ? ` · ${formatDate(digest.meetingDate)}` : ""}
        </p>
      </header>
      {digest.introText ? <RichTextView html={digest.introHtml} className="dg-intro" /> : null}
      {digest.before.map((s) => (
        <div key={s.id} className="dg-speech" data-testid="digest-speech">
          <Lines lines={s.lines} />
        </div>
      ))}
      {digest.groups.map((g, gi) => (
        <section key={`${g.keyword}-${gi}`} className="dg-group" data-testid="digest-group">
          {g.keyword || g.headline ? (
            <h2 className="dg-keyword-head">
              {g.keyword ? (
                <span className="dg-kw">
                  关键词：<span data-testid="digest-keyword">{g.keyword}</span>
                </span>
              ) : null}
              {g.headline ? <span className="dg-headline" data-testid="digest-headline">{g.headline}</span> : null}
            </h2>
          ) : null}
          {g.exchanges.map((e) => (
            <div key={e.id} className="dg-exchange" data-testid="digest-exchange">
              <Lines lines={e.lines} />
            </div>
          ))}
        </section>
      ))}
      {digest.after.map((s) => (
        <div key={s.id} className="dg-speech" data-testid="digest-speech">
          <Lines lines={s.lines} />
        </div>
      ))}
      {digest.closingText ? <RichTextView html={digest.closingHtml} className="dg-closing" /> : null}
    </article>
  );
}
