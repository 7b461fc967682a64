"use client";

import { useId, useRef, useState } from "react";
import { lazyComponent } from "~/components/lazyComponent";
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

// The open menu's code loads when the pointer or the focus first reaches a menu's button, so a
// list's first paint carries only the buttons.
const loadList = () => import("./ActionMenuList").then((m) => m.ActionMenuList);
const ActionMenuList = lazyComponent(loadList);

/**
 * A row's actions behind one button (WAI-ARIA menu button, its entries in ActionMenuList).
 * Disabled entries stay focusable so their reason is read out.
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
  const [place, setPlace] = useState<{ top: number; right: number } | null>(null);
  const [confirming, setConfirming] = useState<ConfirmSpec | null>(null);

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
  const choose = (item: ActionItem) => {
    if (item.disabledReason) return;
    close(true);
    if (item.confirm) setConfirming(item.confirm);
    else item.onSelect?.();
  };

  const menu = place && { id: menuId, label: ariaLabel ?? label, items, place };

  return (
    <div className="action-menu">
      <Button
        ref={trigger}
        size="sm"
        aria-haspopup="menu"
        aria-expanded={place !== null}
        aria-controls={place ? menuId : undefined}
        aria-label={ariaLabel}
        onPointerEnter={() => void loadList()}
        onFocus={() => void loadList()}
        onClick={() => (place ? close(false) : show())}
      >
        {label}
        <span aria-hidden="true">▾</span>
      </Button>
      {menu ? (
        <ActionMenuList
          {...menu}
          trigger={trigger}
          onMove={show}
          onClose={close}
          onChoose={choose}
        />
      ) : null}
      {confirming ? (
        <ActionConfirmDialog open onClose={() => setConfirming(null)} spec={confirming} />
      ) : null}
    </div>
  );
}
