import { createContext, useContext } from "react";

/**
 * The per-request nonce of the Content-Security-Policy (app/entry.server.tsx): the server renders Remix's
 * inline scripts with it; in the browser it is not needed (the scripts have already run), so it is undefined.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
