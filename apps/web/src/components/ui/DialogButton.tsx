"use client";

import { useState, type ReactNode } from "react";
import { Button, type ButtonSize } from "./Button";

/**
 * A button that opens a dialog mounted only while open, so the dialog's queries run only then
 * (a PF row's "VF pools" and "VF traffic"). `dialog` gets the close callback.
 */
export function DialogButton({
  label,
  testId,
  size = "sm",
  dialog,
}: {
  label: string;
  testId?: string;
  size?: ButtonSize;
  dialog: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size={size} data-testid={testId} onClick={() => setOpen(true)}>
        {label}
      </Button>
      {open ? dialog(() => setOpen(false)) : null}
    </>
  );
}
