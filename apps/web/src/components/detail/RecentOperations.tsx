import type { OperationView } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { OperationsTable } from "~/components/OperationsTable";
import { RetryErrorBox } from "./RetryErrorBox";

/**
 * A detail page's "Recent operations" panel, rendered on the server: the target's latest
 * operations with a link to all of them, or the failed read with a retry (`items` null).
 */
export function RecentOperations({
  targetId,
  items,
  error,
  showTarget,
}: {
  targetId: string;
  items: OperationView[] | null;
  error: unknown;
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
      {items === null ? (
        <RetryErrorBox error={error} />
      ) : items.length === 0 ? (
        <p className="muted">No operations yet.</p>
      ) : (
        <OperationsTable items={items} showTarget={showTarget} />
      )}
    </section>
  );
}
