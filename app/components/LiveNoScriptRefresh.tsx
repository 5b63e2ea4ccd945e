/** Without JavaScript a live page reloads itself every `seconds` seconds (browsers honour this meta in <noscript>). */
export function LiveNoScriptRefresh({ seconds = 10 }: { seconds?: number }) {
  return (
    <noscript>
      <meta httpEquiv="refresh" content={String(seconds)} />
    </noscript>
  );
}
