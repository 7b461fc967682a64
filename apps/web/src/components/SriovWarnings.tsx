import type { SriovWarning } from "@virtfn/core";
import { Link } from "~/components/ui/Link";

/**
 * Core's SR-IOV warnings (sriovOverview().warnings) as one banner: allowed states that will
 * surprise an admin, each with a link to the L2 it is about. Renders nothing when there are none.
 */
export function SriovWarnings({ warnings }: { warnings: readonly SriovWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="banner banner-warn" role="status" data-testid="sriov-warnings">
      <p>
        <strong>{warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`}</strong>
      </p>
      <ul className="warning-list">
        {warnings.map((warning) => (
          <li key={`${warning.code}:${warning.l2Id ?? warning.pfId ?? warning.message}`}>
            {warning.message}
            {warning.l2Id ? (
              <>
                {" "}
                <Link href={`/networks/l2/${warning.l2Id}`}>Open the L2</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
