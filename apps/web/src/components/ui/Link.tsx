"use client";

// The app router's context, as next/link itself reads it: null outside Next's app router (a page
// rendered alone in a test), where the link stays a plain one. useRouter() would throw there.
import { AppRouterContext } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { useContext, type ComponentProps, type MouseEvent } from "react";

export type LinkProps = Omit<ComponentProps<"a">, "href"> & { href: string };

/**
 * A link inside the console: a real `<a>` (open in a new tab, copy, screen readers), whose plain
 * left click navigates with Next's router instead of reloading the page. next/link does the same
 * and more (viewport prefetching, URL objects) but weighs ~3 kB gzipped on every page; this one
 * uses the router every page loads anyway, and prefetches a route when the pointer or focus
 * reaches its link.
 */
export function Link({ href, onClick, onMouseEnter, onFocus, ...rest }: LinkProps) {
  const router = useContext(AppRouterContext);
  const prefetch = () => router?.prefetch(href);
  const navigate = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (!router || !routerTakesClick(event, rest)) return;
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

/**
 * Whether a click on a link is the router's to handle: a plain left click on a link that opens in
 * this tab. Any other (a modifier: a new tab or window; a middle click; a download; another
 * target; a handler that took it) stays the browser's.
 */
export function routerTakesClick(
  event: Pick<
    MouseEvent,
    "button" | "metaKey" | "ctrlKey" | "shiftKey" | "altKey" | "defaultPrevented"
  >,
  link: { target?: string | undefined; download?: unknown },
): boolean {
  const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
  const elsewhere = (link.target && link.target !== "_self") || link.download !== undefined;
  return !event.defaultPrevented && event.button === 0 && !modified && !elsewhere;
}
