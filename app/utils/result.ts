/**
 * What every domain change returns (one type for the whole app, issue 20): the id it wrote, or a refusal that
 * names the form field it concerns ("_form" for the whole form) and says why in Chinese. `conflict` marks a
 * save based on an older version (the page reloads and keeps the user's input).
 */
export type Refusal = { ok: false; field: string; message: string; conflict?: boolean };
export type Result = { ok: true; id: number } | Refusal;
