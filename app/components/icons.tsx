/**
 * 打印: opens the browser's print dialog for the page's print view (the page's @media print rules). Hidden when
 * printing. Without JavaScript the button is not rendered useless: the browser's own Ctrl+P prints the same view.
 */
export function PrintButton({ label = "打印" }: { label?: string }) {
  return (
    <button type="button" className="secondary no-print print-button" onClick={() => window.print()} data-testid="print-button">
      <PrinterIcon /> {label}
    </button>
  );
}

/** Icons are inline SVG, never emoji: machines without an emoji font (UOS, 麒麟) would show an empty box. */
export function PrinterIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M6 2h12v5H6zM4 8h16a2 2 0 0 1 2 2v6h-4v6H6v-6H2v-6a2 2 0 0 1 2-2zm4 8v4h8v-4zm10-5a1 1 0 1 0 0 2 1 1 0 0 0 0-2z" />
    </svg>
  );
}

export function BellIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
    </svg>
  );
}

export function MenuIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M3 5h18v2H3zm0 6h18v2H3zm0 6h18v2H3z" />
    </svg>
  );
}
