import { useCallback, useEffect, useRef, useState } from "react";
import { ENTRY_SHORTCUTS, TURN_KIND_LABELS } from "../labels";
import { useCongressTerms } from "~/settings/useCongressTerms";
import { GapBadges } from "../../insight/GapBadges";

/**
 * The live entry form of the meeting record: prefilled with the next outline question, keyboard-driven
 * (shortcuts listed on the page), and never losing what was typed — every change is kept in localStorage at
 * once and saved to the server as a draft 800 ms after typing stops; both are restored on load (the newer one
 * wins) and cleared when the exchange is saved. Without JavaScript it is a plain form posting the same fields.
 */
export interface EntryProposal {
  id: number;
  keyword: string;
  headline: string;
  text: string;
  departmentId: number;
  departmentName: string;
  questionerName: string;
  questionerRole: string;
}
export interface EntryOrganization {
  id: number;
  name: string;
}
export interface EntryOfficial {
  organization_id: number;
  name: string;
  title: string;
}
export interface EntryQuestioner {
  name: string;
  role: string;
  /** on the roster (组成人员名册); a name that is not may be added to it on saving */
  onRoster?: boolean;
}

type ChainKind = "follow_up" | "answer" | "supplementary";
interface ChainState {
  key: string;
  kind: ChainKind;
  speakerName: string;
  speakerTitle: string;
  organizationId: string;
  body: string;
}
export interface EntryState {
  v: 1;
  /** when this state was last changed (client clock, ms); 0 for an untouched proposal */
  savedAt: number;
  outlineQuestionId: number | null;
  keyword: string;
  headline: string;
  questionerName: string;
  questionerRole: string;
  departmentId: string;
  question: string;
  responderName: string;
  responderTitle: string;
  answer: string;
  chain: ChainState[];
  /** add a questioner who is not on the roster to it when the exchange is saved */
  addToRoster?: boolean;
}

type Errors = Record<string, string[] | undefined>;

const DRAFT_DELAY_MS = 800;

function officialFor(officials: EntryOfficial[], orgId: string | number) {
  return officials.find((o) => String(o.organization_id) === String(orgId));
}

function withProposal(base: EntryState, p: EntryProposal, officials: EntryOfficial[]): EntryState {
  const official = officialFor(officials, p.departmentId);
  return {
    ...base,
    outlineQuestionId: p.id,
    keyword: p.keyword,
    headline: p.headline,
    questionerName: p.questionerName,
    questionerRole: p.questionerRole,
    departmentId: String(p.departmentId),
    question: p.text,
    responderName: official?.name ?? base.responderName,
    responderTitle: official?.title ?? base.responderTitle,
  };
}

function blankState(organizations: EntryOrganization[], officials: EntryOfficial[]): EntryState {
  const departmentId = organizations[0] ? String(organizations[0].id) : "";
  const official = officialFor(officials, departmentId);
  return {
    v: 1,
    savedAt: 0,
    outlineQuestionId: null,
    keyword: "",
    headline: "",
    questionerName: "",
    questionerRole: "",
    departmentId,
    question: "",
    responderName: official?.name ?? "",
    responderTitle: official?.title ?? "",
    answer: "",
    chain: [],
  };
}

/**
 * The chain rows of a refused form or a saved draft, kept only in the shape the form renders (an array of
 * flat rows with string fields): anything else — e.g. an array nested 100,000 deep, which overflowed the stack
 * when rendered again (issue 16.5) — is dropped.
 */
function chainRows(value: unknown): ChainState[] {
  if (!Array.isArray(value)) return [];
  const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
  return value
    .filter((r): r is Record<string, unknown> => !!r && typeof r === "object" && !Array.isArray(r) && ["follow_up", "answer", "supplementary"].includes(r.kind as string))
    .slice(0, 30)
    .map((r) => ({ key: str(r.key) || newKey(), kind: r.kind as ChainKind, speakerName: str(r.speakerName), speakerTitle: str(r.speakerTitle), organizationId: str(r.organizationId), body: str(r.body) }));
}

function initialState(props: EntryFormProps): EntryState {
  const refused = props.refused?.values;
  if (refused) {
    // the plain (no-script) form came back refused: show what was typed
    let chain: ChainState[] = [];
    try {
      chain = chainRows(JSON.parse(refused.chainJson ?? "[]"));
    } catch {
      chain = [];
    }
    return {
      ...blankState(props.organizations, props.officials),
      outlineQuestionId: refused.outlineQuestionId ? Number(refused.outlineQuestionId) : null,
      keyword: refused.keyword ?? "",
      headline: refused.headline ?? "",
      questionerName: refused.questionerName ?? "",
      questionerRole: refused.questionerRole ?? "",
      departmentId: refused.departmentId ?? "",
      question: refused.question ?? "",
      responderName: refused.responderName ?? "",
      responderTitle: refused.responderTitle ?? "",
      answer: refused.answer ?? "",
      chain,
    };
  }
  if (props.serverDraft) {
    try {
      const parsed = JSON.parse(props.serverDraft.content) as EntryState;
      if (parsed && parsed.v === 1) return { ...blankState(props.organizations, props.officials), ...parsed, chain: chainRows(parsed.chain) };
    } catch {
      // an unreadable draft is ignored
    }
  }
  const blank = blankState(props.organizations, props.officials);
  return props.proposal ? withProposal(blank, props.proposal, props.officials) : blank;
}

let keySeq = 0;
function newKey(): string {
  keySeq += 1;
  return `${Date.now().toString(36)}${keySeq}`;
}

function timeLabel(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
}

export interface EntryFormProps {
  /** the meeting page: the plain (no-script) form posts here */
  actionUrl: string;
  /** the JSON entry route: drafts and saves with scripts */
  entryUrl: string;
  storageKey: string;
  proposal: EntryProposal | null;
  remaining: EntryProposal[];
  /** per outline question id: the gap of its written preparation answer (app/insight/gaps.server.ts), if any */
  gaps?: Record<string, { kinds: string[]; reasons: string[] }>;
  organizations: EntryOrganization[];
  officials: EntryOfficial[];
  /** officials remembered from earlier meetings, offered for the responder (most recent first) */
  knownOfficials?: EntryOfficial[];
  questioners: EntryQuestioner[];
  keywords: string[];
  serverDraft: { content: string; updatedAt: string } | null;
  /** called after an exchange was saved (to reload the record) */
  onSaved: () => void;
  /** what the plain form posted when the server refused it */
  refused?: { fieldErrors?: Errors; values?: Record<string, string> };
}

type Status = { kind: "idle" | "saving" | "saved" | "offline" | "restored" | "recorded" | "error"; text: string };

export function EntryForm(props: EntryFormProps) {
  const { organizations, officials, questioners, keywords, remaining, entryUrl, storageKey } = props;
  const terms = useCongressTerms();
  const [state, setState] = useState<EntryState>(() => initialState(props));
  const [errors, setErrors] = useState<Errors>(() => props.refused?.fieldErrors ?? {});
  const [status, setStatus] = useState<Status>(() =>
    props.serverDraft ? { kind: "restored", text: "已恢复上次未保存的草稿" } : { kind: "idle", text: "输入内容将自动保存为草稿" },
  );
  const [saving, setSaving] = useState(false);
  // A refused or failed save of the exchange: shown until the exchange is saved (or discarded). Draft saves go on
  // underneath and report beside it, never in its place — a draft saved is not the exchange saved.
  const [unsaved, setUnsaved] = useState<string | null>(null);
  const unsavedRef = useRef<string | null>(null);
  unsavedRef.current = unsaved;
  const stateRef = useRef(state);
  stateRef.current = state;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pendingFocus = useRef<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  // ---- drafts: localStorage at once, the server after a pause
  const postDraft = useCallback(
    async (s: EntryState) => {
      setStatus({ kind: "saving", text: "正在保存草稿…" });
      try {
        const response = await fetch(entryUrl, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Accept: "application/json" },
          body: new URLSearchParams({ intent: "draft", content: JSON.stringify(s) }),
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        setStatus({ kind: "saved", text: `草稿已保存到服务器 ${timeLabel(Date.now())}` });
      } catch {
        setStatus({ kind: "offline", text: "网络中断：草稿已暂存在本机浏览器，网络恢复后将自动保存到服务器" });
      }
    },
    [entryUrl],
  );

  const scheduleDraft = useCallback(
    (s: EntryState) => {
      try {
        window.localStorage.setItem(storageKey, JSON.stringify(s));
      } catch {
        // storage full or disabled: the server draft still works
      }
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void postDraft(s), DRAFT_DELAY_MS);
    },
    [postDraft, storageKey],
  );

  const update = useCallback(
    (change: Partial<EntryState> | ((s: EntryState) => Partial<EntryState>)) => {
      const prev = stateRef.current;
      const next = { ...prev, ...(typeof change === "function" ? change(prev) : change), savedAt: Date.now() };
      stateRef.current = next; // several changes in one event build on each other
      setState(next);
      scheduleDraft(next);
    },
    [scheduleDraft],
  );

  // On load: a newer copy in this browser (typed while the network was down) wins over the server's draft.
  useEffect(() => {
    let local: EntryState | null = null;
    try {
      const raw = window.localStorage.getItem(storageKey);
      local = raw ? (JSON.parse(raw) as EntryState) : null;
    } catch {
      local = null;
    }
    if (local && local.v === 1 && local.savedAt > stateRef.current.savedAt) {
      stateRef.current = local;
      setState(local);
      setStatus({ kind: "restored", text: "已从本机恢复尚未保存的草稿" });
      void postDraft(local);
    }
    // when the network comes back, push the local copy
    const online = () => {
      if (unsavedRef.current) setUnsaved("网络已恢复：本轮问答尚未保存，请按 Ctrl+Enter 保存");
      if (stateRef.current.savedAt > 0) void postDraft(stateRef.current);
    };
    window.addEventListener("online", online);
    return () => window.removeEventListener("online", online);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  // An official registered while the form is open fills an empty responder.
  useEffect(() => {
    const s = stateRef.current;
    if (s.responderName) return;
    const official = officialFor(officials, s.departmentId);
    if (official) setState((prev) => (prev.responderName ? prev : { ...prev, responderName: official.name, responderTitle: official.title }));
  }, [officials]);

  useEffect(() => {
    if (!pendingFocus.current) return;
    const el = document.getElementById(pendingFocus.current) as HTMLInputElement | HTMLTextAreaElement | null;
    pendingFocus.current = null;
    if (el) {
      el.focus();
      if ("select" in el && el.tagName === "INPUT") el.select();
    }
  });

  // ---- actions
  const chooseProposal = useCallback(
    (p: EntryProposal) => {
      update((s) => withProposal(s, p, propsRef.current.officials));
      pendingFocus.current = "mt-question";
    },
    [update],
  );

  const toggleUnplanned = useCallback(() => {
    const s = stateRef.current;
    const proposal = propsRef.current.proposal;
    if (s.outlineQuestionId !== null || !proposal) {
      update({ outlineQuestionId: null, question: "", questionerName: "", questionerRole: "" });
      pendingFocus.current = "mt-questionerName";
    } else {
      chooseProposal(proposal);
    }
  }, [update, chooseProposal]);

  const addRows = useCallback(
    (kinds: ChainKind[]) => {
      const s = stateRef.current;
      const rows = kinds.map<ChainState>((kind) => {
        if (kind === "follow_up") return { key: newKey(), kind, speakerName: s.questionerName, speakerTitle: s.questionerRole, organizationId: "", body: "" };
        return { key: newKey(), kind, speakerName: kind === "answer" ? s.responderName : "", speakerTitle: kind === "answer" ? s.responderTitle : "", organizationId: s.departmentId, body: "" };
      });
      update((prev) => ({ chain: [...prev.chain, ...rows] }));
      pendingFocus.current = `mt-chain-${rows[0].key}`;
    },
    [update],
  );

  const removeRow = (key: string) => update((s) => ({ chain: s.chain.filter((c) => c.key !== key) }));
  const changeRow = (key: string, change: Partial<ChainState>) =>
    update((s) => ({ chain: s.chain.map((c) => (c.key === key ? { ...c, ...change } : c)) }));

  const save = useCallback(async () => {
    if (saving) return;
    const s = stateRef.current;
    if (timer.current) clearTimeout(timer.current);
    setSaving(true);
    setStatus({ kind: "saving", text: "正在保存本轮问答…" });
    const body = new URLSearchParams({
      intent: "exchange",
      outlineQuestionId: s.outlineQuestionId === null ? "" : String(s.outlineQuestionId),
      keyword: s.keyword,
      headline: s.headline,
      questionerName: s.questionerName,
      questionerRole: s.questionerRole,
      departmentId: s.departmentId,
      question: s.question,
      responderName: s.responderName,
      responderTitle: s.responderTitle,
      answer: s.answer,
      chainJson: JSON.stringify(s.chain.map(({ kind, speakerName, speakerTitle, organizationId, body }) => ({ kind, speakerName, speakerTitle, organizationId, body }))),
      addToRoster: s.addToRoster ? "1" : "",
    });
    try {
      const response = await fetch(entryUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Accept: "application/json" },
        body,
        credentials: "same-origin",
      });
      const result = (await response.json()) as { ok: boolean; id?: number; fieldErrors?: Errors; next?: EntryProposal | null };
      if (!result.ok) {
        setErrors(result.fieldErrors ?? { _form: ["保存失败，请检查后重试"] });
        setStatus({ kind: "error", text: "未保存：请按提示修改后再按 Ctrl+Enter" });
        setUnsaved("本轮问答尚未保存：请按提示修改后再按 Ctrl+Enter");
        const first = Object.keys(result.fieldErrors ?? {})[0];
        if (first && first !== "_form") document.getElementById(`mt-${first}`)?.focus();
        scheduleDraft(stateRef.current);
        return;
      }
      setErrors({});
      setUnsaved(null);
      try {
        window.localStorage.removeItem(storageKey);
      } catch {
        // ignore
      }
      const blank = blankState(propsRef.current.organizations, propsRef.current.officials);
      const keep = { ...blank, keyword: s.keyword, headline: s.headline, departmentId: s.departmentId, responderName: s.responderName, responderTitle: s.responderTitle };
      const next = result.next ? withProposal(blank, result.next, propsRef.current.officials) : keep;
      stateRef.current = next;
      setState(next);
      // overwrite any draft request still in flight with the fresh, empty form
      void fetch(entryUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: new URLSearchParams({ intent: "discard" }),
        credentials: "same-origin",
      }).catch(() => undefined);
      setStatus({ kind: "recorded", text: `本轮问答已保存（${timeLabel(Date.now())}）。${result.next ? "已带出下一个提纲问题。" : "提纲问题已全部记录，可继续现场提问。"}` });
      pendingFocus.current = result.next ? "mt-question" : "mt-questionerName";
      propsRef.current.onSaved();
    } catch {
      scheduleDraft(stateRef.current);
      setStatus({ kind: "offline", text: "网络中断：本轮问答尚未保存（已暂存在本机），网络恢复后请再按 Ctrl+Enter 保存" });
      setUnsaved("网络中断：本轮问答尚未保存（已暂存在本机），网络恢复后请再按 Ctrl+Enter 保存");
    } finally {
      setSaving(false);
    }
  }, [entryUrl, saving, scheduleDraft, storageKey]);

  const discard = useCallback(() => {
    if (!window.confirm("放弃当前录入的内容？")) return;
    if (timer.current) clearTimeout(timer.current);
    try {
      window.localStorage.removeItem(storageKey);
    } catch {
      // ignore
    }
    const p = propsRef.current;
    const blank = blankState(p.organizations, p.officials);
    const fresh = p.proposal ? withProposal(blank, p.proposal, p.officials) : blank;
    stateRef.current = fresh;
    setState(fresh);
    setErrors({});
    setUnsaved(null);
    void fetch(entryUrl, { method: "POST", body: new URLSearchParams({ intent: "discard" }), credentials: "same-origin" }).catch(() => undefined);
    setStatus({ kind: "idle", text: "已放弃草稿" });
  }, [entryUrl, storageKey]);

  // ---- keyboard
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    function bodies(): string[] {
      return ["mt-question", "mt-answer", ...stateRef.current.chain.map((c) => `mt-chain-${c.key}`)];
    }
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === "Enter") {
        // only from the entry form (or nowhere in particular), never from another form on the page
        const active = document.activeElement;
        if (active && active !== document.body && !formRef.current?.contains(active)) return;
        e.preventDefault();
        void saveRef.current();
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const focus = (id: string) => document.getElementById(id)?.focus();
      switch (e.code) {
        case "KeyN":
          e.preventDefault();
          toggleUnplanned();
          break;
        case "KeyF":
          e.preventDefault();
          addRows(["follow_up", "answer"]);
          break;
        case "KeyS":
          e.preventDefault();
          addRows(["supplementary"]);
          break;
        case "KeyA":
          e.preventDefault();
          focus("mt-answer");
          break;
        case "KeyQ":
          e.preventDefault();
          focus("mt-questionerName");
          break;
        case "ArrowDown":
        case "ArrowUp": {
          e.preventDefault();
          const ids = bodies();
          const at = ids.indexOf(document.activeElement?.id ?? "");
          const next = e.code === "ArrowDown" ? Math.min(ids.length - 1, at + 1) : Math.max(0, at === -1 ? 0 : at - 1);
          focus(ids[next]);
          break;
        }
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [toggleUnplanned, addRows]);

  const err = (name: string) => errors[name]?.[0];
  const invalid = (name: string) => (err(name) ? { "aria-invalid": true as const, "aria-describedby": `mt-${name}-error` } : {});
  const errorText = (name: string) => (err(name) ? <p id={`mt-${name}-error`} className="field-error">{err(name)}</p> : null);

  const onQuestionerName = (name: string) => {
    const known = questioners.find((q) => q.name === name);
    update((s) => ({ questionerName: name, questionerRole: known && !s.questionerRole ? known.role : s.questionerRole }));
  };
  const rosterEntry = questioners.find((q) => q.onRoster && q.name === state.questionerName.trim());
  // whom the responder field offers: this meeting's 应询人员 and the officials remembered for the department
  const responders = [...officials, ...(props.knownOfficials ?? [])].filter(
    (o, i, all) => String(o.organization_id) === state.departmentId && all.findIndex((x) => x.organization_id === o.organization_id && x.name === o.name) === i,
  );
  const onResponderName = (name: string) => {
    const known = responders.find((o) => o.name === name);
    update((s) => ({ responderName: name, responderTitle: known && !s.responderTitle ? known.title : s.responderTitle }));
  };
  const onDepartment = (departmentId: string) => {
    const official = officialFor(officials, departmentId);
    update({ departmentId, ...(official ? { responderName: official.name, responderTitle: official.title } : {}) });
  };

  const planned = state.outlineQuestionId !== null;
  return (
    <form
      ref={formRef}
      method="post"
      action={props.actionUrl}
      className="mt-entry"
      data-testid="entry-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input type="hidden" name="intent" value="exchange" />
      <input type="hidden" name="outlineQuestionId" value={state.outlineQuestionId ?? ""} />
      <input type="hidden" name="chainJson" value={JSON.stringify(state.chain)} />
      <div className="mt-entry-head">
        <h2 className="mt-entry-title">
          {planned ? <span className="badge ok" data-testid="entry-mode">提纲问题</span> : <span className="badge warn" data-testid="entry-mode">现场提问</span>} 录入问答
        </h2>
        <p className={`mt-status mt-status-${unsaved && status.kind !== "saving" ? "error" : status.kind}`} role="status" aria-live="polite" data-testid="draft-status">
          {unsaved && status.text !== unsaved && status.kind !== "error" ? (
            <>
              <strong data-testid="exchange-unsaved">{unsaved}</strong>
              <span className="mt-status-note">（{status.text}）</span>
            </>
          ) : unsaved ? (
            <strong data-testid="exchange-unsaved">{unsaved}</strong>
          ) : (
            status.text
          )}
        </p>
      </div>
      {err("_form") ? <div className="form-error" role="alert">{err("_form")}</div> : null}
      {err("outlineQuestionId") ? <div className="form-error" role="alert">{err("outlineQuestionId")}</div> : null}

      {state.outlineQuestionId !== null && props.gaps?.[String(state.outlineQuestionId)] ? (
        <p className="mt-gap" role="note" data-testid="entry-gap">
          <GapBadges kinds={props.gaps[String(state.outlineQuestionId)].kinds} reasons={props.gaps[String(state.outlineQuestionId)].reasons} />
          <span className="muted">（书面准备答复的缺口，可作追问参考）</span>
        </p>
      ) : null}
      {remaining.length > 0 ? (
        <div className="field mt-outline-pick">
          <label htmlFor="mt-pick" className="field-label">提纲问题（按提纲顺序自动带出，可另选）</label>
          <select
            id="mt-pick"
            value={state.outlineQuestionId ?? ""}
            onChange={(e) => {
              const p = remaining.find((r) => String(r.id) === e.target.value);
              if (p) chooseProposal(p);
              else toggleUnplanned();
            }}
          >
            <option value="">现场提问（不按提纲）</option>
            {remaining.map((r) => (
              <option key={r.id} value={r.id}>
                {r.keyword}｜{r.questionerName}→{r.departmentName}：{r.text.slice(0, 40)}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      <div className="mt-grid">
        <div className="field">
          <label htmlFor="mt-questionerName" className="field-label">询问人<span className="required">*</span></label>
          <input id="mt-questionerName" name="questionerName" list="mt-questioners" autoComplete="off" value={state.questionerName} onChange={(e) => onQuestionerName(e.target.value)} {...invalid("questionerName")} />
          {errorText("questionerName")}
          {state.questionerName.trim() && !rosterEntry ? (
            <label className="mt-roster-offer" data-testid="roster-offer">
              <input type="checkbox" name="addToRoster" value="1" checked={!!state.addToRoster} onChange={(e) => update({ addToRoster: e.target.checked })} />
              {" "}「{state.questionerName.trim()}」不在组成人员名册中，保存时加入名册
            </label>
          ) : rosterEntry ? (
            <p className="field-hint" data-testid="roster-known">组成人员名册：{rosterEntry.role || "（未填职务）"}</p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="mt-questionerRole" className="field-label">身份</label>
          <input id="mt-questionerRole" name="questionerRole" list="mt-roles" autoComplete="off" value={state.questionerRole} onChange={(e) => update({ questionerRole: e.target.value })} {...invalid("questionerRole")} />
          {errorText("questionerRole")}
        </div>
        <div className="field">
          <label htmlFor="mt-keyword" className="field-label">关键词</label>
          <input id="mt-keyword" name="keyword" list="mt-keywords" autoComplete="off" value={state.keyword} onChange={(e) => update({ keyword: e.target.value })} {...invalid("keyword")} />
          {errorText("keyword")}
        </div>
        <div className="field">
          <label htmlFor="mt-headline" className="field-label">标题（摘要中关键词下的标题）</label>
          <input id="mt-headline" name="headline" autoComplete="off" value={state.headline} onChange={(e) => update({ headline: e.target.value })} {...invalid("headline")} />
          {errorText("headline")}
        </div>
        <div className="field">
          <label htmlFor="mt-departmentId" className="field-label">应询部门<span className="required">*</span></label>
          <select id="mt-departmentId" name="departmentId" value={state.departmentId} onChange={(e) => onDepartment(e.target.value)} {...invalid("departmentId")}>
            <option value="">请选择</option>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          {errorText("departmentId")}
        </div>
      </div>
      <datalist id="mt-questioners">
        {questioners.map((q) => (
          <option key={`${q.name}-${q.role}`} value={q.name}>
            {q.role}
          </option>
        ))}
      </datalist>
      <datalist id="mt-roles">
        {terms.questionerRoles.map((r) => (
          <option key={r} value={r} />
        ))}
      </datalist>
      <datalist id="mt-responders">
        {responders.map((o) => (
          <option key={`${o.organization_id}-${o.name}`} value={o.name}>
            {o.title}
          </option>
        ))}
      </datalist>
      <datalist id="mt-keywords">
        {keywords.map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>

      <div className="field mt-wide">
        <label htmlFor="mt-question" className="field-label">询问<span className="required">*</span></label>
        <textarea id="mt-question" name="question" rows={3} value={state.question} onChange={(e) => update({ question: e.target.value })} {...invalid("question")} />
        {errorText("question")}
      </div>
      <div className="mt-grid">
        <div className="field">
          <label htmlFor="mt-responderName" className="field-label">应询人</label>
          <input id="mt-responderName" name="responderName" list="mt-responders" autoComplete="off" value={state.responderName} onChange={(e) => onResponderName(e.target.value)} {...invalid("responderName")} />
          {errorText("responderName")}
        </div>
        <div className="field">
          <label htmlFor="mt-responderTitle" className="field-label">职务</label>
          <input id="mt-responderTitle" name="responderTitle" autoComplete="off" value={state.responderTitle} onChange={(e) => update({ responderTitle: e.target.value })} />
        </div>
      </div>
      <div className="field mt-wide">
        <label htmlFor="mt-answer" className="field-label">应询答复（可直接粘贴；未当场答复的可留空，另交书面答复）</label>
        <textarea id="mt-answer" name="answer" rows={6} value={state.answer} onChange={(e) => update({ answer: e.target.value })} {...invalid("answer")} />
        {errorText("answer")}
      </div>

      {state.chain.length > 0 ? (
        <ol className="mt-chain" aria-label="追问与补充回答">
          {state.chain.map((c, index) => (
            <li key={c.key} className={`mt-chain-row mt-chain-${c.kind}`} data-testid="chain-row">
              <div className="mt-chain-head">
                <label htmlFor={`mt-chain-${c.key}`} className="field-label">
                  {index + 1}. {TURN_KIND_LABELS[c.kind]}
                </label>
                <span className="mt-chain-speaker">
                  <input aria-label={`${TURN_KIND_LABELS[c.kind]}发言人`} value={c.speakerName} placeholder="发言人" onChange={(e) => changeRow(c.key, { speakerName: e.target.value })} size={8} />
                  <input aria-label={`${TURN_KIND_LABELS[c.kind]}发言人职务`} value={c.speakerTitle} placeholder="职务" onChange={(e) => changeRow(c.key, { speakerTitle: e.target.value })} size={10} />
                  {c.kind !== "follow_up" ? (
                    <select aria-label={`${TURN_KIND_LABELS[c.kind]}所在单位`} value={c.organizationId} onChange={(e) => changeRow(c.key, { organizationId: e.target.value })}>
                      {organizations.map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                    </select>
                  ) : null}
                </span>
                <button type="button" className="plain rs-mini" onClick={() => removeRow(c.key)} aria-label={`删除第 ${index + 1} 条`}>
                  删除
                </button>
              </div>
              <textarea id={`mt-chain-${c.key}`} rows={3} value={c.body} onChange={(e) => changeRow(c.key, { body: e.target.value })} />
            </li>
          ))}
        </ol>
      ) : null}
      {err("chain") ? <p className="field-error" role="alert">{err("chain")}</p> : null}

      <div className="mt-entry-buttons">
        <button type="submit" disabled={saving} data-testid="save-exchange">
          保存本轮问答（Ctrl+Enter）
        </button>
        <button type="button" className="secondary" onClick={() => addRows(["follow_up", "answer"])}>
          ＋追问（Alt+F）
        </button>
        <button type="button" className="secondary" onClick={() => addRows(["supplementary"])}>
          ＋补充回答（Alt+S）
        </button>
        {planned || props.proposal ? (
          <button type="button" className="secondary" onClick={toggleUnplanned}>
            {planned ? "改为现场提问（Alt+N）" : "按提纲提问（Alt+N）"}
          </button>
        ) : null}
        <button type="button" className="plain" onClick={discard}>
          放弃草稿
        </button>
      </div>
      <details className="mt-shortcuts" open>
        <summary>键盘快捷键</summary>
        <ul data-testid="shortcuts">
          {ENTRY_SHORTCUTS.map((s) => (
            <li key={s.keys}>
              <kbd>{s.keys}</kbd> {s.what}
            </li>
          ))}
          <li>
            <kbd>Alt+↓</kbd> / <kbd>Alt+↑</kbd> 在询问、答复、追问各段正文之间移动
          </li>
        </ul>
      </details>
    </form>
  );
}
