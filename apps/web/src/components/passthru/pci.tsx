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
