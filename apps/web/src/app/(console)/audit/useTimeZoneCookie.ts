"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { TIME_ZONE_COOKIE } from "./filters";

/**
 * Tells the server the browser's time zone (an IANA name: cookie-safe as it is), which reads the From/To filters in it. A page
 * rendered before the server knew it (first visit with a time filter) renders again once.
 */
export function useTimeZoneCookie(hasTimeFilter: boolean) {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const current = document.cookie
      .split("; ")
      .find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`))
      ?.slice(TIME_ZONE_COOKIE.length + 1);
    if (current === zone) return;
    document.cookie = `${TIME_ZONE_COOKIE}=${zone}; path=/; max-age=31536000; samesite=lax`;
    if (hasTimeFilter) router.refresh();
  }, [hasTimeFilter, router]);
}
