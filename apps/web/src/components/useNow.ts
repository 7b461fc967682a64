"use client";

import { useEffect, useState } from "react";

/** The current time, refreshed every `ms`, so "2 min ago" labels keep moving. */
export function useNow(ms = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
