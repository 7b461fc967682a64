"use client";

import { useRouter } from "next/navigation";
import type { ComponentProps, MouseEvent } from "react";

export type LinkProps = Omit<ComponentProps<"a">, "href"> & { href: string };

/**
 * A link inside the console: a real `<a>` (open in a new tab, copy, screen readers), whose plain
 * left click navigates with Next's router instead of reloading the page. next/link does the same
 * and more (viewport prefetching, URL objects) but weighs ~3 kB gzipped on every page; this one
 * uses the router every page loads anyway, and prefetches a route when the pointer or focus
 * reaches its link.
 */
export function Link({ href, onClick, onMouseEnter, onFocus, ...rest }: LinkProps) {
  const router = useRouter();
  const prefetch = () => router.prefetch(href);
  const navigate = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    const elsewhere = (rest.target && rest.target !== "_self") || rest.download !== undefined;
    if (event.defaultPrevented || event.button !== 0 || modified || elsewhere) return;
    event.preventDefault();
    router.push(href);
  };
  return (
    <a
      {...rest}
      href={href}
      onClick={navigate}
      onMouseEnter={(event) => {
        onMouseEnter?.(event);
        prefetch();
      }}
      onFocus={(event) => {
        onFocus?.(event);
        prefetch();
      }}
    />
  );
}
