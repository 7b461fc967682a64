import type { VmDetail, VmPciDevices as VmPciDevicesView } from "@virtfn/core";
import { Badge } from "~/components/badges";
import { RetryErrorBox } from "~/components/detail/RetryErrorBox";
import { pciIdentityColumns, pciRowData } from "~/components/passthru/pciColumns";
import { DataTable } from "~/components/ui/DataTable";
import type { VmPageData } from "./page";
import { GivePciDevice, PciActionError, PciDeviceActions, RemovePciDevice } from "./islands";

// A VM's whole PCI devices (issue 17): the ones it is given, whether it holds each now (it does
// while it runs), and for admins the host's assignable devices to give it while it is stopped.

/** Rendered on the server; the give and remove buttons are client islands (PciDeviceActions). */
export function VmPciDevices({
  vm,
  devices,
  isAdmin,
}: {
  vm: VmDetail;
  /** Read with the page; a change renders the page again. */
  devices: VmPageData["pciDevices"];
  /** May give and remove devices (inventory.manage). */
  isAdmin: boolean;
}) {
  const data = devices.data;
  return (
    <PciDeviceActions>
      <section className="panel" data-testid="vm-pci-devices">
        <h2>
          PCI devices <span className="count">{data?.assigned.length ?? 0}</span>
        </h2>
        <PciActionError />
        {devices.data === null ? (
          <RetryErrorBox error={devices.error} />
        ) : (
          <>
            {devices.data.assigned.length === 0 ? (
              <p className="muted" data-testid="vm-pci-empty">
                No whole devices passed through.
              </p>
            ) : (
              <DataTable
                rows={devices.data.assigned}
                rowKey={(d) => d.pciDeviceId}
                rowTestId="vm-pci-row"
                rowData={pciRowData}
                columns={[
                  ...pciIdentityColumns<AssignedPciDevice>(),
                  { key: "status", header: "Status", cell: (d) => <HeldStatus device={d} /> },
                ]}
                rowActions={
                  isAdmin
                    ? (d) => (
                        <RemovePciDevice vmId={vm.id} pciDeviceId={d.pciDeviceId} held={d.held} />
                      )
                    : undefined
                }
              />
            )}
            {isAdmin ? (
              devices.data.candidates.length === 0 ? (
                <p className="muted small">
                  No assignable device on this VM&apos;s host to give it.
                </p>
              ) : (
                <GivePciDevice vmId={vm.id} candidates={devices.data.candidates} />
              )
            ) : null}
          </>
        )}
      </section>
    </PciDeviceActions>
  );
}

type AssignedPciDevice = VmPciDevicesView["assigned"][number];

/** Whether the VM holds the device now (it does while it runs), or why it cannot. */
function HeldStatus({ device }: { device: AssignedPciDevice }) {
  return (
    <>
      {device.held ? (
        <Badge tone="ok">Held</Badge>
      ) : device.unavailable ? (
        <Badge tone="warn" title={device.unavailable}>
          Unavailable
        </Badge>
      ) : (
        <Badge tone="muted">Released (taken at start)</Badge>
      )}
      {device.unavailable ? <div className="sub-inline small">{device.unavailable}</div> : null}
    </>
  );
}
