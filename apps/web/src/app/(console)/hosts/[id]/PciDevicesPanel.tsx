import type { HostPciDeviceRow } from "@virtfn/core";
import { Link } from "~/components/ui/Link";
import { Badge } from "~/components/badges";
import { RetryErrorBox } from "~/components/detail/RetryErrorBox";
import { availabilityLabel } from "~/components/passthru/pci";
import { pciIdentityColumns, pciRowData } from "~/components/passthru/pciColumns";
import { DataTable } from "~/components/ui/DataTable";
import type { Settled } from "~/trpc/server";
import { AssignableActions, AssignableButton, AssignableError } from "./islands";

// The host's PCI devices for whole-device passthrough (issue 17): what the agent reports, who
// holds or is given each, and mark/unmark assignable for admins. The buttons carry core's
// verdicts, so a refusal is explained before the click.

/** Rendered on the server; the mark buttons are client islands (AssignableActions). */
export function PciDevicesPanel({
  data,
  error,
  isAdmin,
}: Settled<HostPciDeviceRow[]> & {
  /** May mark devices assignable (inventory.manage). */
  isAdmin: boolean;
}) {
  const list = data ?? [];

  return (
    <AssignableActions>
      <section className="panel" data-testid="pci-devices">
        <h2>
          PCI devices <span className="count">{list.length}</span>
        </h2>
        <p className="muted">
          Whole devices (a GPU, a NIC that is not split) an admin can mark assignable; a VM given
          one holds it while it runs. A split PF or a device sharing its IOMMU group is not
          assignable.
        </p>
        <AssignableError />
        {error && !data ? (
          <RetryErrorBox error={error} />
        ) : list.length === 0 ? (
          <p className="muted" data-testid="pci-devices-empty">
            The agent reports no PCI devices for passthrough on this host.
          </p>
        ) : (
          <DataTable
            rows={list}
            rowTestId="pci-device-row"
            rowData={pciRowData}
            columns={[
              ...pciIdentityColumns<HostPciDeviceRow>(),
              {
                key: "driver",
                header: "Driver",
                cell: (d) => d.driver ?? <span className="muted">none</span>,
              },
              { key: "group", header: "IOMMU group", num: true, cell: (d) => d.iommuGroup ?? "—" },
              { key: "numa", header: "NUMA", num: true, cell: (d) => d.numaNode ?? "—" },
              {
                key: "availability",
                header: "Availability",
                cell: (d) => <Availability device={d} />,
              },
              { key: "vms", header: "VMs", cell: (d) => <VmLinks vms={d.assignedTo} /> },
              // A plain column, not DataTable's row actions: the refusal under the button wraps.
              ...(isAdmin
                ? [
                    {
                      key: "assignable",
                      header: "",
                      cell: (d: HostPciDeviceRow) => {
                        const verdict = d.assignable ? d.verdicts.unmark : d.verdicts.mark;
                        return (
                          <>
                            <AssignableButton
                              pciDeviceId={d.id}
                              assignable={d.assignable}
                              verdict={verdict}
                            />
                            {!verdict.allowed && verdict.code ? (
                              <div className="sub-inline muted small" data-testid="pci-verdict">
                                {verdict.reason}
                              </div>
                            ) : null}
                          </>
                        );
                      },
                    },
                  ]
                : []),
            ]}
          />
        )}
      </section>
    </AssignableActions>
  );
}

function Availability({ device }: { device: HostPciDeviceRow }) {
  const availability = availabilityLabel[device.availability];
  return (
    <>
      <Badge tone={availability.tone}>{availability.label}</Badge>
      {device.heldBy ? (
        <span className="sub-inline">
          {" "}
          by <Link href={`/vms/${device.heldBy.id}`}>{device.heldBy.name}</Link>
        </span>
      ) : null}
    </>
  );
}

function VmLinks({ vms }: { vms: HostPciDeviceRow["assignedTo"] }) {
  if (vms.length === 0) return "—";
  return vms.map((vm, i) => (
    <span key={vm.id}>
      {i > 0 ? ", " : ""}
      <Link href={`/vms/${vm.id}`}>{vm.name}</Link>
    </span>
  ));
}
