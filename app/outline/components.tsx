import { Link } from "@remix-run/react";
import { CheckboxGroup, chosenValues, SelectField, TextAreaField, TextField, type FormFeedback } from "~/components/forms";
import {
  chineseNumber,
  NAMED_QUESTIONER,
  questionerLabel,
  SOURCE_TYPE_LABELS,
  type OutlineSnapshot,
  type SnapshotDiff,
} from "./labels";

import { useCongressTerms } from "~/settings/useCongressTerms";

/** Shared pieces of the outline pages (browser-safe: no server imports). */

/**
 * The roster entry a question's questioner is (as a select value): the entry of its account, else the one
 * entry of its name and title; undefined for a person outside the roster.
 */
export function pickedRosterEntry(roster: QuestionFormOptions["roster"], q: Pick<QuestionDefaults, "questionerUserId" | "questionerName" | "questionerRole">): string | undefined {
  if (q.questionerUserId != null) {
    const byAccount = roster.find((r) => r.user_id === q.questionerUserId);
    if (byAccount) return String(byAccount.id);
  }
  if (!q.questionerName) return undefined;
  const byName = roster.filter((r) => r.name === q.questionerName);
  const exact = byName.length === 1 ? byName : byName.filter((r) => r.title === q.questionerRole);
  return exact.length === 1 ? String(exact[0].id) : undefined;
}

export interface OutlineFeedback extends FormFeedback {
  intent?: string;
  target?: string | number | null;
  conflict?: boolean;
}

export interface QuestionFormOptions {
  keywords: { id: number; keyword: string }[];
  departments: { id: number; name: string }[];
  /** the active roster (组成人员名册) */
  roster: { id: number; name: string; title: string; user_id: number | null }[];
  sources: {
    findings: { type: "finding"; id: number; label: string; detail: string }[];
    reports: { type: "survey_report"; id: number; label: string; detail: string }[];
  };
}

export interface QuestionDefaults {
  keywordId?: number;
  text?: string;
  departmentId?: number;
  questionerUserId?: number | null;
  questionerName?: string;
  questionerRole?: string;
  sources?: string[];
  staffNotes?: string;
}

/** The fields of a question (add and edit): keyword, text, department, questioner, sources, staff notes. */
export function QuestionFields({
  options,
  feedback,
  defaults = {},
  idPrefix,
}: {
  options: QuestionFormOptions;
  feedback?: FormFeedback;
  defaults?: QuestionDefaults;
  idPrefix: string;
}) {
  const questionerDefault = pickedRosterEntry(options.roster, defaults) ?? (defaults.questionerName ? NAMED_QUESTIONER : "");
  const terms = useCongressTerms();
  const keptSources = chosenValues(feedback, "sources", defaults.sources ?? []);
  const roleListId = `${idPrefix}-roles`;
  return (
    <>
      <SelectField
        idPrefix={idPrefix}
        name="keywordId"
        label="关键词"
        required
        feedback={feedback}
        defaultValue={defaults.keywordId ?? options.keywords[options.keywords.length - 1]?.id}
        emptyLabel={options.keywords.length ? undefined : "（请先添加关键词）"}
        options={options.keywords.map((k) => ({ value: k.id, label: k.keyword }))}
      />
      <TextAreaField idPrefix={idPrefix} name="text" label="问题内容" required rows={4} maxLength={1000} feedback={feedback} defaultValue={defaults.text} />
      <div className="ol-row">
        <SelectField
          idPrefix={idPrefix}
          name="departmentId"
          label="应询部门"
          required
          feedback={feedback}
          defaultValue={defaults.departmentId}
          emptyLabel="请选择"
          options={options.departments.map((d) => ({ value: d.id, label: d.name }))}
        />
        <SelectField
          idPrefix={idPrefix}
          name="questionerId"
          label="询问人"
          feedback={feedback}
          defaultValue={questionerDefault}
          emptyLabel="（待定）"
          hint={options.roster.length ? "从组成人员名册中选择" : "组成人员名册还是空的：可在下方填写姓名并加入名册"}
          options={[
            ...options.roster.map((m) => ({ value: m.id, label: `${m.name}${m.title ? `（${m.title}）` : ""}` })),
            { value: NAMED_QUESTIONER, label: "名册中没有的人员（在下方填写）" },
          ]}
        />
      </div>
      <div className="ol-row">
        <TextField idPrefix={idPrefix} name="questionerName" label="询问人姓名（名册外）" maxLength={40} feedback={feedback} defaultValue={questionerDefault === NAMED_QUESTIONER ? defaults.questionerName : ""} />
        <TextField
          idPrefix={idPrefix}
          name="questionerRole"
          label="询问人职务（名册外）"
          maxLength={40}
          list={roleListId}
          feedback={feedback}
          defaultValue={questionerDefault === NAMED_QUESTIONER ? defaults.questionerRole : ""}
          hint={`如：${terms.memberTitle}、${terms.deputyTitle}`}
        />
        <datalist id={roleListId}>
          {terms.questionerRoles.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <label className="checkbox-line">
        <input type="checkbox" name="addToRoster" value="1" defaultChecked={feedback?.values?.addToRoster === "1"} /> 名册外的询问人同时加入组成人员名册
      </label>
      <CheckboxGroup idPrefix={idPrefix} name="sources" legend="来源（调研发现的问题线索、县区调研报告）" feedback={feedback} className="ol-sources">
        {options.sources.findings.length + options.sources.reports.length === 0 ? (
          <p className="field-hint">本次专题询问尚无问题线索或已提交的县区调研报告。</p>
        ) : null}
        {options.sources.findings.length ? (
          <div className="ol-source-group">
            <span className="ol-source-kind">{SOURCE_TYPE_LABELS.finding}</span>
            {options.sources.findings.map((s) => (
              <label key={`f${s.id}`}>
                <input type="checkbox" name="sources" value={`finding:${s.id}`} defaultChecked={keptSources.has(`finding:${s.id}`)} /> {s.label}
                <span className="muted ol-small">（{s.detail}）</span>
              </label>
            ))}
          </div>
        ) : null}
        {options.sources.reports.length ? (
          <div className="ol-source-group">
            <span className="ol-source-kind">{SOURCE_TYPE_LABELS.survey_report}</span>
            {options.sources.reports.map((s) => (
              <label key={`r${s.id}`}>
                <input type="checkbox" name="sources" value={`survey_report:${s.id}`} defaultChecked={keptSources.has(`survey_report:${s.id}`)} /> {s.label}
                <span className="muted ol-small">（{s.detail}）</span>
              </label>
            ))}
          </div>
        ) : null}
      </CheckboxGroup>
      <TextAreaField idPrefix={idPrefix} name="staffNotes" label="工作人员备注" rows={2} maxLength={2000} feedback={feedback} defaultValue={defaults.staffNotes} hint="仅人大工作人员可见，不进入报送和下发的提纲" />
    </>
  );
}

/** The sources of a question, shown beside it. */
export function SourceList({ sources }: { sources: { type: "finding" | "survey_report"; id: number; label: string; href?: string }[] }) {
  if (!sources.length) return <p className="muted ol-small ol-no-source">未标注来源</p>;
  return (
    <ul className="ol-source-list" aria-label="问题来源">
      {sources.map((s) => (
        <li key={`${s.type}:${s.id}`}>
          <span className="ol-source-kind">{SOURCE_TYPE_LABELS[s.type]}</span>
          {s.href ? <Link to={s.href}>{s.label}</Link> : <span>{s.label}</span>}
        </li>
      ))}
    </ul>
  );
}

/** A frozen version as the council and the departments read it (keywords in order, questions numbered). */
export function SnapshotView({ snapshot, showSources = false, testId }: { snapshot: OutlineSnapshot; showSources?: boolean; testId?: string }) {
  let n = 0;
  return (
    <div className="ol-snapshot" data-testid={testId}>
      {snapshot.keywords.map((k, i) => (
        <section key={k.id} className="ol-snap-keyword">
          <h3>
            {chineseNumber(i + 1)}、{k.keyword}
            {k.headline ? <span className="ol-headline">（{k.headline}）</span> : null}
          </h3>
          <ol start={n + 1}>
            {k.questions.map((q) => {
              n++;
              return (
                <li key={q.id} data-question-id={q.id}>
                  <p className="ol-snap-text">{q.text}</p>
                  <p className="ol-snap-meta">
                    询问人：{questionerLabel({ questioner_name: q.questionerName, questioner_role: q.questionerRole })}　　应询部门：{q.departmentName}
                  </p>
                  {showSources && q.sources.length ? <p className="muted ol-small">来源：{q.sources.map((s) => s.label).join("；")}</p> : null}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
      {n === 0 ? <p className="muted">（本版没有问题）</p> : null}
    </div>
  );
}

/** What changed between two versions. */
export function DiffView({ diff, testId }: { diff: SnapshotDiff; testId?: string }) {
  const empty =
    !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.keywordsAdded.length && !diff.keywordsRemoved.length && !diff.keywordsChanged.length;
  if (empty) return <p className="muted" data-testid={testId}>两版内容相同。</p>;
  return (
    <div className="ol-diff" data-testid={testId}>
      {diff.keywordsAdded.length ? <p><span className="badge ok">新增关键词</span> {diff.keywordsAdded.join("、")}</p> : null}
      {diff.keywordsRemoved.length ? <p><span className="badge bad">删除关键词</span> {diff.keywordsRemoved.join("、")}</p> : null}
      {diff.keywordsChanged.length ? <p><span className="badge warn">修改关键词</span> {diff.keywordsChanged.join("；")}</p> : null}
      {diff.added.length ? (
        <>
          <h4>新增问题（{diff.added.length}）</h4>
          <ul>
            {diff.added.map((x) => (
              <li key={x.question.id} className="ol-diff-added">
                <span className="muted">[{x.keyword}]</span> {x.question.text} <span className="muted ol-small">（{x.question.departmentName}）</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {diff.removed.length ? (
        <>
          <h4>删除问题（{diff.removed.length}）</h4>
          <ul>
            {diff.removed.map((x) => (
              <li key={x.question.id} className="ol-diff-removed">
                <span className="muted">[{x.keyword}]</span> <del>{x.question.text}</del> <span className="muted ol-small">（{x.question.departmentName}）</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {diff.changed.length ? (
        <>
          <h4>修改问题（{diff.changed.length}）</h4>
          <ul>
            {diff.changed.map((x) => (
              <li key={x.after.id} className="ol-diff-changed">
                <span className="muted">[{x.keyword}]</span> 修改了{x.changes.join("、")}
                {x.before.text !== x.after.text ? (
                  <div className="ol-diff-text">
                    <div>
                      <span className="ol-diff-label">原：</span>
                      <del>{x.before.text}</del>
                    </div>
                    <div>
                      <span className="ol-diff-label">新：</span>
                      <ins>{x.after.text}</ins>
                    </div>
                  </div>
                ) : (
                  <div className="ol-small">{x.after.text}</div>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
