/**
 * A stacked horizontal bar chart of item status per department, drawn as SVG on the server. Each status has
 * a fill pattern as well as a colour, so it stays readable printed in black and white; the numbers are also
 * in the table beside it.
 */
export interface ChartRow {
  label: string;
  values: number[];
}

export interface ChartSeries {
  label: string;
  color: string;
  pattern: "solid" | "hatch" | "dots" | "cross" | "blank";
}

export function StackedBarChart({ rows, series, title }: { rows: ChartRow[]; series: ChartSeries[]; title: string }) {
  const labelWidth = 170;
  const barWidth = 420;
  const rowHeight = 26;
  const legendHeight = 28;
  const max = Math.max(1, ...rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const height = legendHeight + rows.length * rowHeight + 8;
  return (
    <svg role="img" aria-label={title} viewBox={`0 0 ${labelWidth + barWidth + 50} ${height}`} className="chart" width="100%">
      <title>{title}</title>
      <defs>
        {series.map((s, i) => (
          <pattern key={i} id={`p${i}`} width="6" height="6" patternUnits="userSpaceOnUse">
            <rect width="6" height="6" fill={s.pattern === "blank" ? "#fff" : s.color} />
            {s.pattern === "hatch" ? <path d="M0,6 L6,0" stroke="#000" strokeWidth="1" /> : null}
            {s.pattern === "cross" ? <path d="M0,6 L6,0 M0,0 L6,6" stroke="#000" strokeWidth="0.8" /> : null}
            {s.pattern === "dots" ? <circle cx="3" cy="3" r="1.2" fill="#000" /> : null}
          </pattern>
        ))}
      </defs>
      {series.map((s, i) => (
        <g key={s.label} transform={`translate(${labelWidth + i * 90}, 6)`}>
          <rect width="14" height="14" fill={`url(#p${i})`} stroke="#333" />
          <text x="18" y="12" fontSize="12">{s.label}</text>
        </g>
      ))}
      {rows.map((row, r) => {
        let x = labelWidth;
        const y = legendHeight + r * rowHeight;
        const total = row.values.reduce((a, b) => a + b, 0);
        return (
          <g key={row.label}>
            <text x={labelWidth - 6} y={y + 15} fontSize="12" textAnchor="end">{row.label}</text>
            {row.values.map((v, i) => {
              const w = (v / max) * barWidth;
              const rect = v > 0 ? <rect key={i} x={x} y={y + 3} width={w} height={rowHeight - 8} fill={`url(#p${i})`} stroke="#333" strokeWidth="0.5" /> : null;
              x += w;
              return rect;
            })}
            <text x={x + 6} y={y + 15} fontSize="12">{total}</text>
          </g>
        );
      })}
    </svg>
  );
}
