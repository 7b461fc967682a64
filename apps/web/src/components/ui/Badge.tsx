export type Tone = "ok" | "warn" | "err" | "muted" | "info";

/** A short status word in a coloured pill. `title` only repeats what is visible; never the only place a reason lives. */
export function Badge({
  tone,
  children,
  title,
}: {
  tone: Tone;
  children: React.ReactNode;
  title?: string | undefined;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
