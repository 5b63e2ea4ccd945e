/**
 * The rows of an uploaded Excel sheet that need a word (refused or skipped), as a table: "第 N 行" and the reason.
 * Row 0 is the file as a whole (shown as —). One table for every sheet import (整改事项, organisations, accounts,
 * roster), so each names rows alike.
 */
export function SheetRowTable({ rows }: { rows: readonly { row: number; message: string }[] }) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th style={{ width: "6em" }}>行号</th>
          <th>原因</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e, i) => (
          <tr key={i}>
            <td>{e.row > 0 ? `第 ${e.row} 行` : "—"}</td>
            <td>{e.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
