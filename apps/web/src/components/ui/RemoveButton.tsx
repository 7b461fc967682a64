import { Button } from "./Button";

/** What RemoveButton runs: a useAction or a react-query mutation. */
interface RemoveAction<I> {
  mutate: (input: I) => void;
  isPending: boolean;
}

/**
 * A row's remove that takes effect at once, without a confirm (a rule, a member, an unused pool):
 * small and outlined in the danger colour, off while a removal runs.
 */
export function RemoveButton<I>({
  action,
  input,
  label = "Remove",
  ariaLabel,
}: {
  action: RemoveAction<I>;
  /** What `action` removes. */
  input: I;
  label?: string;
  /** For a screen reader, when the row is not named by the label ("Remove rule tcp 22"). */
  ariaLabel?: string;
}) {
  return (
    <Button
      variant="danger-outline"
      size="sm"
      disabled={action.isPending}
      onClick={() => action.mutate(input)}
      aria-label={ariaLabel}
    >
      {label}
    </Button>
  );
}
