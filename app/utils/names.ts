/**
 * How people and records are named in the UI (docs/glossary.md): people by their names, never by login ids;
 * rectification items by their problem, never by a bare number.
 */

// "刘静（staff）": the actor label stored with history rows and audit entries carries the login id in
// brackets, for administrators; elsewhere a person is shown by name only.
const LOGIN_SUFFIX = /\s*[（(][A-Za-z0-9_.@-]+[）)]$/;

/** "刘静（staff）" → "刘静"; a label without a login id is returned as it is; empty → "—". */
export function personName(label: string | null | undefined): string {
  const name = (label ?? "").replace(LOGIN_SUFFIX, "").trim();
  return name || "—";
}

/**
 * A rectification item's title: its problem, the first line, cut at `max` characters with "…".
 * ("整改事项 #4" names nothing a reader recognises; the problem does.) Count by code points, so a cut never halves
 * a character outside the BMP.
 */
export function itemTitle(problem: string | null | undefined, max = 40): string {
  const firstLine = (problem ?? "").trim().split("\n")[0].trim();
  const chars = Array.from(firstLine);
  if (chars.length === 0) return "整改事项";
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : firstLine;
}

/** "第 4 项" — the item's number within its inquiry, shown beside its title. */
export function itemNumber(number: number): string {
  return `第 ${number} 项`;
}
