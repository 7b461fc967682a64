"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { CheckboxField } from "~/components/Field";
import { pciKind } from "~/components/passthru/pci";
import { useTRPC } from "~/trpc/react";

/**
 * The create form's whole-device picker (issue 17). Core judges each assignable device against
 * the ones ticked so far (a create could hold it now, it is on their host: a VM runs on one) and
 * the picker greys out what core refuses, with core's reason. A tenant sees core's reason, no list.
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
    ...trpc.passthru.creatable.queryOptions({ chosen: value }),
    // Holders change as other VMs start and stop. A new choice keeps the last verdicts shown
    // until core's answer for it arrives, instead of flashing the loading state.
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });
  const data = creatable.data;
  const devices = data?.devices ?? [];

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
            return (
              <CheckboxField
                key={device.pciDeviceId}
                id={`${id}-${device.pciDeviceId}`}
                name={`pci-${device.pciAddress}`}
                label={`${pciKind(device.classCode)} ${device.pciAddress} (${device.vendorId}:${device.deviceId}) on ${device.hostName}`}
                checked={checked}
                disabledReason={checked ? null : device.choice.reason}
                // A ticked device that core now refuses stays ticked; the reason shows as a warning.
                error={checked ? (device.choice.reason ?? undefined) : undefined}
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
