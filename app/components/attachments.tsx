import type { Light } from "~/utils/deadline";
import { describeDaysLeft, LIGHT_LABELS, type DayUnit } from "~/utils/deadline";

export const ATTACHMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg,.gif,.webp";

/** A file input for attachments; the form must use encType="multipart/form-data". */
export function AttachmentField({ name = "files", label = "附件", error }: { name?: string; label?: string; error?: string }) {
  const id = `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <input id={id} type="file" name={name} multiple accept={ATTACHMENT_ACCEPT} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      <p className="field-hint">可上传 PDF、Word、Excel、图片，每个文件不超过 20 MB，每次最多 10 个</p>
      {error ? <p id={`${id}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentList({ files }: { files: { id: number; file_name: string; size: number }[] }) {
  if (files.length === 0) return null;
  return (
    <ul className="attachments" aria-label="附件">
      {files.map((f) => (
        <li key={f.id}>
          <a href={`/attachments/${f.id}`}>{f.file_name}</a> <span className="muted">（{formatSize(f.size)}）</span>
        </li>
      ))}
    </ul>
  );
}

/** A deadline light with its words, readable in black and white print too. */
export function DeadlineBadge({ light, daysLeft, unit = "calendar" }: { light: Light; daysLeft: number; unit?: DayUnit }) {
  const cls = light === "red" ? "bad" : light === "yellow" ? "warn" : light === "done" ? "ok" : "";
  return (
    <span className={`badge ${cls}`} data-light={light}>
      {light === "done" ? LIGHT_LABELS.done : light === "red" ? describeDaysLeft(daysLeft, unit) : `${LIGHT_LABELS[light]} · ${describeDaysLeft(daysLeft, unit)}`}
    </span>
  );
}
