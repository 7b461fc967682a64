"use client";

import { useRouter } from "next/navigation";
import { useEffect, type ComponentType } from "react";
import { lazyComponent } from "~/components/lazyComponent";

/**
 * A dialog (or panel) that fetches in the browser, for a page the server renders: it loads with
 * the data layer (react-query and the tRPC client, ~20 kB gzipped) when it is first shown, not
 * with the page. A mutation it makes succeed renders the page again on the server, so that what
 * it changed shows (invalidating queries alone would not reach server-rendered data).
 */
export function withDataLayer<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazyComponent<P>(async () => {
    const [{ TRPCReactProvider, getQueryClient }, Component] = await Promise.all([
      import("./react"),
      load(),
    ]);
    function WithDataLayer(props: P) {
      const router = useRouter();
      useEffect(
        () =>
          getQueryClient()
            .getMutationCache()
            .subscribe((event) => {
              if (event.type === "updated" && event.action.type === "success") router.refresh();
            }),
        [router],
      );
      return (
        <TRPCReactProvider>
          <Component {...props} />
        </TRPCReactProvider>
      );
    }
    return WithDataLayer;
  });
}
