"use client";

import { useEffect, useRef, type RefObject } from "react";
import type { ActionItem } from "./ActionMenu";
import { Link } from "./Link";

/**
 * An open ActionMenu's entries (WAI-ARIA menu): arrows, Home and End move, Escape and Tab close,
 * a click outside closes, a scroll or resize keeps it under its button. Its own module: it loads
 * when a menu is first about to open, not with every list.
 */
export function ActionMenuList({
  id,
  label,
  items,
  place,
  trigger,
  onMove,
  onClose,
  onChoose,
}: {
  id: string;
  label: string;
  items: readonly ActionItem[];
  place: { top: number; right: number };
  trigger: RefObject<HTMLButtonElement | null>;
  /** Places the menu again under its button. */
  onMove: () => void;
  /** Closes the menu; `refocus` puts the focus back on its button. */
  onClose: (refocus: boolean) => void;
  onChoose: (item: ActionItem) => void;
}) {
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Without preventScroll, focusing an entry scrolls the table's wrapper, and the scroll closes the menu.
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus({ preventScroll: true });
    const onPointer = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !trigger.current?.contains(target)) onClose(false);
    };
    // A scroll or resize (a live page re-rendering above the table moves it too) keeps the menu
    // open under its button.
    document.addEventListener("mousedown", onPointer);
    window.addEventListener("resize", onMove);
    window.addEventListener("scroll", onMove, true);
    return () => {
      document.removeEventListener("mousedown", onPointer);
      window.removeEventListener("resize", onMove);
      window.removeEventListener("scroll", onMove, true);
    };
  }, []);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) =>
      entries[(index + entries.length) % entries.length]?.focus({ preventScroll: true });
    if (event.key === "ArrowDown") focus(at + 1);
    else if (event.key === "ArrowUp") focus(at - 1);
    else if (event.key === "Home") focus(0);
    else if (event.key === "End") focus(entries.length - 1);
    else if (event.key === "Escape") onClose(true);
    else if (event.key === "Tab") onClose(false);
    else return;
    if (event.key !== "Tab") event.preventDefault();
  };

  return (
    <div
      ref={menu}
      id={id}
      role="menu"
      aria-label={label}
      className="action-menu-list"
      style={{ top: place.top, right: place.right }}
      onKeyDown={onKeyDown}
    >
      {items.map((item) => {
        const disabled = Boolean(item.disabledReason);
        const cls = `action-menu-item ${item.danger ? "action-menu-danger" : ""}`;
        const content = (
          <>
            <span>{item.label}</span>
            {disabled ? <span className="action-menu-reason">{item.disabledReason}</span> : null}
          </>
        );
        return item.href && !disabled ? (
          <Link
            key={item.label}
            role="menuitem"
            className={cls}
            href={item.href}
            tabIndex={-1}
            data-testid={item.testId}
            onClick={() => onClose(false)}
          >
            {content}
          </Link>
        ) : (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={cls}
            aria-disabled={disabled || undefined}
            data-testid={item.testId}
            onClick={() => onChoose(item)}
          >
            {content}
          </button>
        );
      })}
    </div>
  );
}
