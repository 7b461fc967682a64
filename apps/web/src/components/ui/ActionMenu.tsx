"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { ConfirmSpec } from "./ActionConfirmDialog";
import { ActionConfirmDialog } from "./LazyConfirmDialog";
import { Button } from "./Button";

export interface ActionItem {
  label: string;
  /** Runs at once. */
  onSelect?: () => void;
  /** Navigates. */
  href?: string;
  /** Asks first, then runs the spec's action. */
  confirm?: ConfirmSpec;
  /** Greys the entry out; the reason is shown under its label, not only in a tooltip. */
  disabledReason?: string | null | undefined;
  danger?: boolean;
  testId?: string;
}

/**
 * A row's actions behind one button (WAI-ARIA menu button): arrows move, Escape and Tab close,
 * a click outside closes. Disabled entries stay focusable so their reason is read out.
 */
export function ActionMenu({
  items,
  label = "Actions",
  ariaLabel,
}: {
  items: readonly ActionItem[];
  label?: string;
  /** "Actions for eth1": the row's name, for screen readers. */
  ariaLabel?: string;
}) {
  const menuId = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ top: number; right: number } | null>(null);
  const [confirming, setConfirming] = useState<ConfirmSpec | null>(null);
  const open = place !== null;

  const close = (refocus: boolean) => {
    setPlace(null);
    if (refocus) trigger.current?.focus();
  };
  const show = () => {
    const rect = trigger.current?.getBoundingClientRect();
    if (!rect) return;
    // Fixed, not absolute: a table's scrolling wrapper would clip the menu.
    setPlace({ top: rect.bottom + 4, right: Math.max(8, window.innerWidth - rect.right) });
  };

  useEffect(() => {
    if (!open) return undefined;
    // Without preventScroll, focusing an entry scrolls the table's wrapper, and the scroll closes the menu.
    menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus({ preventScroll: true });
    const onPointer = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !trigger.current?.contains(target)) setPlace(null);
    };
    // A scroll or resize (a live page re-rendering above the table moves it too) keeps the menu
    // open under its button.
    const onMove = () => show();
    document.addEventListener("mousedown", onPointer);
    window.addEventListener("resize", onMove);
    window.addEventListener("scroll", onMove, true);
    return () => {
      document.removeEventListener("mousedown", onPointer);
      window.removeEventListener("resize", onMove);
      window.removeEventListener("scroll", onMove, true);
    };
  }, [open]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const at = entries.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number) =>
      entries[(index + entries.length) % entries.length]?.focus({ preventScroll: true });
    if (event.key === "ArrowDown") focus(at + 1);
    else if (event.key === "ArrowUp") focus(at - 1);
    else if (event.key === "Home") focus(0);
    else if (event.key === "End") focus(entries.length - 1);
    else if (event.key === "Escape") close(true);
    else if (event.key === "Tab") close(false);
    else return;
    if (event.key !== "Tab") event.preventDefault();
  };

  const choose = (item: ActionItem) => {
    if (item.disabledReason) return;
    close(true);
    if (item.confirm) setConfirming(item.confirm);
    else item.onSelect?.();
  };

  return (
    <div className="action-menu">
      <Button
        ref={trigger}
        size="sm"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={ariaLabel}
        onClick={() => (open ? close(false) : show())}
      >
        {label}
        <span aria-hidden="true">▾</span>
      </Button>
      {place ? (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={ariaLabel ?? label}
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
                {disabled ? (
                  <span className="action-menu-reason">{item.disabledReason}</span>
                ) : null}
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
                onClick={() => close(false)}
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
                onClick={() => choose(item)}
              >
                {content}
              </button>
            );
          })}
        </div>
      ) : null}
      {confirming ? (
        <ActionConfirmDialog open onClose={() => setConfirming(null)} spec={confirming} />
      ) : null}
    </div>
  );
}
