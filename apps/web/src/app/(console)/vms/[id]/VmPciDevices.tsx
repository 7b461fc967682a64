"use client";

import type { VmDetail, VmPciDevices as VmPciDevicesView } from "@virtfn/core";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { pciKind } from "~/components/passthru/pci";
import { pciIdentityColumns, pciRowData } from "~/components/passthru/pciColumns";
import { useIsAdmin } from "~/components/session";
import { Button } from "~/components/ui/Button";
import { DataTable } from "~/components/ui/DataTable";
import { useAction } from "~/trpc/useAction";
import type { VmPageData } from "./page";

// A VM's whole PCI devices (issue 17): the ones it is given, whether it holds each now (it does
// while it runs), and for admins the host's assignable devices to give it while it is stopped.

type PciInput = { vmId: string; pciDeviceId: string };

export function VmPciDevices({
  vm,
  devices,
  onRetry,
}: {
  vm: VmDetail;
  /** Read with the page; a change renders the page again. */
  devices: VmPageData["pciDevices"];
  onRetry: () => void;
}) {
  const isAdmin = useIsAdmin();
  const [choice, setChoice] = useState("");
  const assign = useAction((api, input: PciInput) => api.passthru.assign.mutate(input), {
    onSuccess: () => setChoice(""),
  });
  const unassign = useAction((api, input: PciInput) => api.passthru.unassign.mutate(input));
  const error = assign.error ?? unassign.error;
  const data = devices.data;
  const picked = data?.candidates.find((c) => c.pciDeviceId === choice);

  return (
    <section className="panel" data-testid="vm-pci-devices">
      <h2>
        PCI devices <span className="count">{data?.assigned.length ?? 0}</span>
      </h2>
      {error ? <ErrorBox error={error} /> : null}
      {devices.data === null ? (
        <ErrorBox error={devices.error} onRetry={onRetry} />
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
                      <Button
                        size="sm"
                        data-testid="vm-pci-unassign"
                        disabled={d.held || unassign.isPending}
                        title={d.held ? "Stop the VM first: it holds the device." : undefined}
                        onClick={() => unassign.mutate({ vmId: vm.id, pciDeviceId: d.pciDeviceId })}
                      >
                        Remove
                      </Button>
                    )
                  : undefined
              }
            />
          )}
          {isAdmin ? (
            devices.data.candidates.length === 0 ? (
              <p className="muted small">No assignable device on this VM&apos;s host to give it.</p>
            ) : (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (choice) assign.mutate({ vmId: vm.id, pciDeviceId: choice });
                }}
              >
                <label>
                  Give device{" "}
                  <select
                    value={choice}
                    data-testid="vm-pci-choice"
                    onChange={(e) => setChoice(e.target.value)}
                  >
                    <option value="">Choose…</option>
                    {devices.data.candidates.map((c) => (
                      <option key={c.pciDeviceId} value={c.pciDeviceId}>
                        {c.pciAddress} · {pciKind(c.classCode)}
                        {c.heldBy ? ` (held by ${c.heldBy})` : ""}
                      </option>
                    ))}
                  </select>
                </label>{" "}
                <button
                  type="submit"
                  className="btn btn-sm"
                  data-testid="vm-pci-assign"
                  disabled={!picked?.verdict.allowed || assign.isPending}
                  title={picked?.verdict.reason ?? undefined}
                >
                  Give
                </button>
                {picked && !picked.verdict.allowed ? (
                  <span className="sub-inline muted small"> {picked.verdict.reason}</span>
                ) : null}
              </form>
            )
          ) : null}
        </>
      )}
    </section>
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
