import type { Column } from "~/components/ui/DataTable";
import { pciKind } from "./pci";

interface PciIdentity {
  pciAddress: string;
  classCode: string;
  vendorId: string;
  deviceId: string;
}

/** The columns naming a PCI function (address, kind, vendor:device), first in both device tables. */
export function pciIdentityColumns<T extends PciIdentity>(): Column<T>[] {
  return [
    { key: "address", header: "Address", cell: (d) => <code>{d.pciAddress}</code> },
    { key: "kind", header: "Kind", cell: (d) => pciKind(d.classCode) },
    {
      key: "ids",
      header: "Vendor:device",
      cell: (d) => (
        <code>
          {d.vendorId}:{d.deviceId}
        </code>
      ),
    },
  ];
}

/** A row's `data-pci`, by which tests and people find a device. */
export function pciRowData(d: PciIdentity): Record<`data-${string}`, string> {
  return { "data-pci": d.pciAddress };
}
