import type { OperationView } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { ErrorBox } from "./ErrorBox";
import { OperationsTable } from "./OperationsTable";

/**
 * A detail page's "Recent operations" panel: the target's latest operations, with a link to all
 * of them. `items` is null until the query has answered; a failed first load offers a retry.
 */
export function RecentOperationsPanel({
  targetId,
  items,
  error,
  onRetry,
  now,
  showTarget,
}: {
  targetId: string;
  items: OperationView[] | null;
  error: unknown;
  onRetry: () => void;
  now: number;
  showTarget?: boolean;
}) {
  return (
    <section className="panel">
      <h2>
        Recent operations{" "}
        <Link href={`/operations?targetId=${targetId}`} className="small-link">
          all
        </Link>
      </h2>
      {error && !items ? (
        <ErrorBox error={error} onRetry={onRetry} />
      ) : !items ? (
        <p className="loading">Loading operations…</p>
      ) : items.length === 0 ? (
        <p className="muted">No operations yet.</p>
      ) : (
        <OperationsTable items={items} now={now} showTarget={showTarget} />
      )}
    </section>
  );
}
