"use client";

import { Link } from "~/components/ui/Link";
import { operationColumns } from "~/components/OperationsTable";
import { ListView } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import type { ShownError } from "~/lib/errors";
import { knownOperationKinds, operationKindLabel } from "~/lib/operation-kinds";
import type { RouterOutputs } from "~/trpc/outputs";
import { operationStatuses, operationsList } from "./ops-list";

/** The list updates live. */
const REFRESH_MS = 1500;

const statusOptions = operationStatuses.map((s) => ({ value: s, label: s }));
const kindOptions = knownOperationKinds.map((k) => ({ value: k, label: operationKindLabel(k) }));

export function OperationsPage({
  targetId,
  data,
  error,
}: {
  targetId: string | undefined;
  data: RouterOutputs["operations"]["list"] | null;
  error: ShownError | null;
}) {
  const now = useNow(5_000);
  const ops = useServerListView({ data, error }, REFRESH_MS, operationsList);

  return (
    <>
      <PageHeader
        title="Operations"
        subtitle={
          <>
            Long-running work: connecting hosts, IOMMU changes, reboots, SR-IOV splits and restores.
            Updates live.
            {targetId ? (
              <>
                {" "}
                Showing one target only · <Link href="/operations">show all</Link>
              </>
            ) : null}
          </>
        }
      />
      <ListView
        {...ops}
        columns={operationColumns(now)}
        rowTestId="operation-row"
        rowData={(op) => ({ "data-status": op.status })}
        noun="operations"
        className="ops-table"
        search={{ label: "Search by target", placeholder: "Search by target name…" }}
        filters={[
          { key: "status", label: "Status", allLabel: "All statuses", options: statusOptions },
          { key: "kind", label: "Kind", allLabel: "All kinds", options: kindOptions },
        ]}
        empty={
          <>
            <p>
              <strong>No operations yet.</strong>
            </p>
            <p>Adding a host, changing IOMMU or rebooting starts one; its progress shows here.</p>
          </>
        }
      />
    </>
  );
}
