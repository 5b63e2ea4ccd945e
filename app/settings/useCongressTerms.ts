import { useRouteLoaderData } from "@remix-run/react";
import { congressTerms, EMPTY_CONGRESS, type CongressSetting, type CongressTerms } from "./terms";

/**
 * The installation's congress terms in any component, from the root loader (which reads the setting on every
 * request): the name and the titles offered as examples. Neutral (××市人大常委会) where nothing is set.
 */
export function useCongressTerms(): CongressTerms {
  const root = useRouteLoaderData("root") as { congress?: Pick<CongressSetting, "name" | "level"> } | undefined;
  return congressTerms(root?.congress ?? EMPTY_CONGRESS);
}
