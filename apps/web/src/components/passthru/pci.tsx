import type { Tone } from "~/components/ui/Badge";

// Words for PCI facts, shared by the host and VM pages' "PCI devices" sections (issue 17).

/** The PCI base class in words: the first byte of the class code. */
export function pciKind(classCode: string): string {
  const base = classCode.slice(0, 4);
  const kinds: Record<string, string> = {
    "0x01": "Storage",
    "0x02": "Network",
    "0x03": "Display / GPU",
    "0x04": "Multimedia",
    "0x0c": "Serial bus",
    "0x12": "Accelerator",
  };
  return kinds[base] ?? "PCI device";
}

export const availabilityLabel: Record<
  "available" | "held" | "notAssignable" | "missing",
  { label: string; tone: Tone }
> = {
  available: { label: "Available", tone: "ok" },
  held: { label: "Held", tone: "info" },
  notAssignable: { label: "Not assignable", tone: "muted" },
  missing: { label: "Missing", tone: "err" },
};

/** The header cells naming a PCI function, in both pages' device tables. */
export function PciIdentityHeads() {
  return (
    <>
      <th>Address</th>
      <th>Kind</th>
      <th>Vendor:device</th>
    </>
  );
}

/** The cells naming a PCI function: address, kind, vendor:device. */
export function PciIdentityCells({
  device,
}: {
  device: { pciAddress: string; classCode: string; vendorId: string; deviceId: string };
}) {
  return (
    <>
      <td>
        <code>{device.pciAddress}</code>
      </td>
      <td>{pciKind(device.classCode)}</td>
      <td>
        <code>
          {device.vendorId}:{device.deviceId}
        </code>
      </td>
    </>
  );
}
