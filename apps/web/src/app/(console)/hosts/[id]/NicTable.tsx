import type { HostDetail, NicDetail, NicRow, OperationView } from "@virtfn/core";
import { progressCount } from "@virtfn/core/progress";
import { LinkBadge, VirtualizationBadge } from "~/components/badges";
import { isActive } from "~/components/detail/operation-status";
import { ProgressBar } from "~/components/ProgressBar";
import { speed } from "~/lib/format";
import { operationKindLabel } from "~/lib/operation-kinds";
import styles from "./HostNicTable.module.css";
import { PfSriovButtons, PfVfButtons } from "./islands";
import { Table } from "~/components/ui/Table";

/**
 * The host's physical NICs, with each PF's SR-IOV actions and its running operation (admins).
 * Rendered on the server; the buttons are client islands.
 */
export function NicTable({
  host,
  pfOps,
  isAdmin,
}: {
  host: HostDetail;
  pfOps: OperationView[];
  /** Sees the SR-IOV actions (inventory.manage). */
  isAdmin: boolean;
}) {
  if (host.nics.length === 0) {
    return (
      <p className="muted">
        {host.connectionState === "Connected"
          ? "The agent reports no NICs."
          : "No NICs reported yet."}
      </p>
    );
  }
  const latestOp = (nic: NicRow) =>
    pfOps
      .filter((op) => op.targetId === nic.id)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  // Core decides each button (split or resize, restore). A reason that every splittable NIC
  // shares (the host is down, its IOMMU is not active) is said once, above the table.
  const splitVerdict = (nic: NicDetail) =>
    nic.numVfs > 0 ? nic.actions.resize : nic.actions.split;
  const splittable = host.nics.filter((nic) => nic.virtualizationState !== "NotVirtualizable");
  const firstReason = splittable[0] ? splitVerdict(splittable[0]).reason : null;
  const hostWide =
    firstReason !== null && splittable.every((nic) => splitVerdict(nic).reason === firstReason)
      ? firstReason
      : null;
  return (
    <>
      {isAdmin && hostWide ? (
        <p className="actions-note nic-note" id="nic-actions-note" role="note">
          SR-IOV split is unavailable on this host. {hostWide}
        </p>
      ) : null}
      <Table
        className="nic-table"
        testId="nic-table"
        head={
          <>
            <th>Name</th>
            <th className="hide-narrow">Model</th>
            <th>Link</th>
            <th className="num">Speed</th>
            <th>Virtualization</th>
            <th className="num" title="Available VFs / VFs split (max supported)">
              VFs avail / total
            </th>
            <th>Bond</th>
            <th>PCI address</th>
            <th>Driver</th>
            {isAdmin ? <th className={styles.pfActions}>SR-IOV</th> : null}
          </>
        }
      >
        {host.nics.map((nic) => {
          const op = latestOp(nic);
          const active = op && isActive(op) ? op : undefined;
          const split = splitVerdict(nic);
          const restore = nic.actions.restore;
          const sriovActions = (
            <>
              <div className="actions actions-start">
                <PfSriovButtons host={host} nic={nic} split={split} hostWide={hostWide} />
                <PfVfButtons host={host} nic={nic} />
              </div>
              {active ? (
                <div className="nic-op" data-testid="nic-operation">
                  <ProgressBar
                    value={active.progress}
                    status={active.status}
                    label={`${operationKindLabel(active.kind)} progress`}
                  />
                  <span className="sub">
                    {operationKindLabel(active.kind)}:{" "}
                    {active.status === "Pending"
                      ? "waiting for a worker…"
                      : (progressCount(active) ?? (active.progressMessage || active.status))}
                  </span>
                </div>
              ) : op?.status === "Failed" ? (
                <p className="sub op-error">
                  Last {operationKindLabel(op.kind).toLowerCase()} failed
                  {op.errorMessage ? `: ${op.errorMessage}` : "."}
                </p>
              ) : !split.allowed && split.reason !== hostWide ? (
                <p className="sub why-row" data-testid="nic-why">
                  {split.reason}
                </p>
              ) : !restore.allowed && split.allowed && nic.numVfs > 0 ? (
                <p className="sub why-row" data-testid="nic-why">
                  {restore.reason}
                </p>
              ) : null}
            </>
          );
          return (
            <tr key={nic.id} data-testid="nic-row" data-nic={nic.label}>
              <td>
                <span className="strong">{nic.label}</span>
                {nic.l2.canCarryL2 ? null : (
                  <div className="sub" data-testid="nic-no-l2">
                    {nic.l2.message}
                  </div>
                )}
                <div className="sub show-narrow">{nic.model}</div>
              </td>
              <td className="hide-narrow nic-model">{nic.model}</td>
              <td>
                <LinkBadge up={nic.linkUp} />
              </td>
              <td className="num">{speed(nic.speedMbps)}</td>
              <td>
                <VirtualizationBadge state={nic.virtualizationState} />
              </td>
              <td className="num" data-testid="nic-vfs">
                {nic.vfAvailable} / {nic.vfTotal}
                {nic.totalVfs > 0 ? <div className="sub">max {nic.totalVfs}</div> : null}
              </td>
              <td>
                {nic.bondName ? (
                  <>
                    {nic.bondName}
                    {nic.bondSlaves.length ? (
                      <div className="sub">{nic.bondSlaves.join(", ")}</div>
                    ) : null}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <code>{nic.pciAddress}</code>
              </td>
              <td>{nic.driver}</td>
              {isAdmin ? (
                <td className={`nic-actions ${styles.pfActions}`} data-testid="nic-actions">
                  {sriovActions}
                </td>
              ) : null}
            </tr>
          );
        })}
      </Table>
    </>
  );
}
