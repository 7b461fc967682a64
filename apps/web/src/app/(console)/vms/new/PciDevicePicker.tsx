"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField } from "~/components/Field";
import { pciKind } from "~/components/passthru/pci";
import { useTRPC } from "~/trpc/react";

/**
 * The create form's whole-device picker (issue 17). Core says which assignable devices a create
 * could hold now and why not the others; a VM runs on one host, so once a device is ticked the
 * other hosts' devices are greyed out with that reason. A tenant sees core's reason, no list.
 */
export function PciDevicePicker({
  value,
  onChange,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const trpc = useTRPC();
  const id = useId();
  const creatable = useQuery({
    ...trpc.passthru.creatable.queryOptions(),
    // Holders change as other VMs start and stop.
    refetchInterval: 10_000,
  });
  const data = creatable.data;
  const devices = data?.devices ?? [];
  const chosenHost = devices.find((d) => value.includes(d.pciDeviceId))?.hostId ?? null;

  return (
    <fieldset className="fieldset" data-testid="pci-picker">
      <legend>PCI devices (passthrough)</legend>
      {creatable.isPending ? (
        <p className="hint">Loading PCI devices…</p>
      ) : creatable.isError ? (
        <ErrorBox
          title="Could not load the PCI devices."
          error={creatable.error}
          onRetry={() => void creatable.refetch()}
        />
      ) : data && !data.canChoose ? (
        <p className="hint" data-testid="pci-picker-reason">
          {data.reason}
        </p>
      ) : devices.length === 0 ? (
        <p className="hint">
          No PCI device is marked assignable; an admin marks one on its host&apos;s page.
        </p>
      ) : (
        <>
          <p className="hint">
            A whole device (a GPU, an unsplit NIC) passed to the guest: the VM is placed on its
            host, holds it while it runs, and cannot be migrated.
          </p>
          {devices.map((device) => {
            const checked = value.includes(device.pciDeviceId);
            const otherHost =
              chosenHost !== null && chosenHost !== device.hostId
                ? `On ${device.hostName}, not the host of the device already chosen: a VM runs on one host.`
                : null;
            return (
              <CheckboxField
                key={device.pciDeviceId}
                id={`${id}-${device.pciDeviceId}`}
                name={`pci-${device.pciAddress}`}
                label={`${pciKind(device.classCode)} ${device.pciAddress} (${device.vendorId}:${device.deviceId}) on ${device.hostName}`}
                checked={checked}
                disabledReason={checked ? null : (device.unavailable ?? otherHost)}
                // A ticked device that became unavailable stays ticked; the reason shows as a warning.
                error={checked ? (device.unavailable ?? undefined) : undefined}
                onChange={(on) =>
                  onChange(
                    on
                      ? [...value, device.pciDeviceId]
                      : value.filter((v) => v !== device.pciDeviceId),
                  )
                }
              />
            );
          })}
        </>
      )}
    </fieldset>
  );
}
