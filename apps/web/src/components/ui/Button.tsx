import type { ComponentProps } from "react";
import { Link, type LinkProps } from "./Link";

export type ButtonVariant = "default" | "primary" | "danger" | "danger-outline" | "ghost";
export type ButtonSize = "md" | "sm";

interface ButtonStyle {
  variant?: ButtonVariant;
  size?: ButtonSize;
  block?: boolean;
}

/** The one place the `btn` class string is assembled; pages pick a variant instead. */
export function buttonClass({ variant = "default", size = "md", block }: ButtonStyle = {}): string {
  return [
    "btn",
    variant === "default" ? null : `btn-${variant}`,
    size === "sm" ? "btn-sm" : null,
    block ? "btn-block" : null,
  ]
    .filter(Boolean)
    .join(" ");
}

export type ButtonProps = ButtonStyle & ComponentProps<"button">;

/** A button; `type` defaults to "button" so that a button inside a form never submits by accident. */
export function Button({ variant, size, block, className, type = "button", ...rest }: ButtonProps) {
  const cls = buttonClass({ variant, size, block });
  return <button type={type} className={className ? `${cls} ${className}` : cls} {...rest} />;
}

export type ButtonLinkProps = ButtonStyle & LinkProps;

/** A link that looks like a button (navigation stays a link for the browser and screen readers). */
export function ButtonLink({ variant, size, block, className, ...rest }: ButtonLinkProps) {
  const cls = buttonClass({ variant, size, block });
  return <Link className={className ? `${cls} ${className}` : cls} {...rest} />;
}
