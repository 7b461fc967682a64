"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

/**
 * A page's filters kept in its URL (`?state=Attached&pf=…`), so that a filtered view can be
 * linked, bookmarked and reloaded. Empty values are dropped from the URL. Changes replace the
 * history entry rather than pushing one per keystroke.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const serialized = params.toString();
  const keyList = keys.join(",");
  const values = useMemo(() => {
    const current = new URLSearchParams(serialized);
    const names = keyList.split(",") as K[];
    return Object.fromEntries(names.map((key) => [key, current.get(key) ?? ""])) as Record<
      K,
      string
    >;
  }, [serialized, keyList]);
  const set = useCallback(
    (patch: Partial<Record<K, string>>) => {
      const next = new URLSearchParams(serialized);
      for (const [key, value] of Object.entries(patch) as Array<[K, string | undefined]>) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [serialized, router, pathname],
  );
  return { values, set, query: serialized };
}
