/**
 * Bar charts as server-rendered SVG, readable in black and white (issue 22 item 4): each series is told apart by
 * a fill pattern (solid, hatching, cross-hatching, white) as well as by its legend, and every bar segment carries
 * its number, so a photocopy loses nothing. No script, no colour needed.
 */
export interface ChartSeries {
  key: string;
  label: string;
  pattern: "solid" | "hatch" | "cross" | "dots" | "white";
}

const FILL: Record<ChartSeries["pattern"], string> = {
  solid: "#222",
  hatch: "url(#xw-hatch)",
  cross: "url(#xw-cross)",
  dots: "url(#xw-dots)",
  white: "#fff",
};

function Patterns() {
  return (
    <defs>
      <pattern id="xw-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#fff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke="#000" strokeWidth="2" />
      </pattern>
      <pattern id="xw-cross" width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill="#fff" />
        <path d="M0 0L6 6M6 0L0 6" stroke="#000" strokeWidth="1" />
      </pattern>
      <pattern id="xw-dots" width="5" height="5" patternUnits="userSpaceOnUse">
        <rect width="5" height="5" fill="#fff" />
        <circle cx="2.5" cy="2.5" r="1.2" fill="#000" />
      </pattern>
    </defs>
  );
}

/** Horizontal stacked bars: one row per label, one segment per series (values must be counts ≥ 0). */
export function StackedBarChart(props: { title: string; rows: { label: string; values: Record<string, number> }[]; series: ChartSeries[]; testId?: string }) {
  const { rows, series } = props;
  const labelWidth = 170;
  const barWidth = 420;
  const rowHeight = 26;
  const top = 30;
  const max = Math.max(1, ...rows.map((r) => series.reduce((s, x) => s + (r.values[x.key] ?? 0), 0)));
  const height = top + rows.length * rowHeight + 40;
  return (
    <figure className="in-chart" data-testid={props.testId}>
      <svg viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`} role="img" aria-label={props.title} width="100%" style={{ maxWidth: 680 }}>
        <title>{props.title}</title>
        <Patterns />
        {rows.map((r, i) => {
          let x = labelWidth;
          const y = top + i * rowHeight;
          const total = series.reduce((s, k) => s + (r.values[k.key] ?? 0), 0);
          return (
            <g key={r.label}>
              <text x={labelWidth - 6} y={y + 15} textAnchor="end" fontSize="12">
                {r.label.length > 13 ? `${r.label.slice(0, 12)}…` : r.label}
              </text>
              {series.map((s) => {
                const v = r.values[s.key] ?? 0;
                if (!v) return null;
                const w = (v / max) * barWidth;
                const seg = (
                  <g key={s.key}>
                    <rect x={x} y={y + 3} width={w} height={rowHeight - 8} fill={FILL[s.pattern]} stroke="#000" strokeWidth="1">
                      <title>{`${r.label} ${s.label} ${v}`}</title>
                    </rect>
                  </g>
                );
                x += w;
                return seg;
              })}
              <text x={labelWidth + (total / max) * barWidth + 6} y={y + 15} fontSize="12">
                {series.map((s) => r.values[s.key] ?? 0).join("/")}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${labelWidth}, ${top + rows.length * rowHeight + 12})`}>
          {series.map((s, i) => (
            <g key={s.key} transform={`translate(${i * 110}, 0)`}>
              <rect width="14" height="14" fill={FILL[s.pattern]} stroke="#000" />
              <text x="18" y="12" fontSize="12">
                {s.label}
              </text>
            </g>
          ))}
        </g>
        <text x={labelWidth} y={16} fontSize="12">
          数字依次为：{series.map((s) => s.label).join("/")}
        </text>
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}
