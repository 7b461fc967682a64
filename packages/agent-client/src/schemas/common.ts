import { z } from "zod";

/** Full PCI address (domain:bus:slot.function), lower-case as sysfs prints it. */
export const PciAddress = z
  .string()
  .regex(
    /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/,
    "expected a PCI address like 0000:01:00.0",
  );
export type PciAddress = z.infer<typeof PciAddress>;

/** Unicast MAC, lower-case. Multicast MACs are refused because a NIC or FDB entry cannot use one. */
export const MacAddress = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$/,
        "expected a unicast MAC like 52:54:00:12:34:56",
      ),
  );
export type MacAddress = z.infer<typeof MacAddress>;

/** Interface names are limited by the kernel's IFNAMSIZ (16 incl. NUL). */
export const IfName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,15}$/, "expected a Linux interface name");

/** libvirt accepts more, but the agent passes names to virsh and file names, so keep them plain. */
export const DomainName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "expected a domain name of letters, digits, _ . -");

export const VlanId = z.number().int().min(1).max(4094);

export const OperationId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "expected an operation id");

export const Uuid = z.uuid();

export const Ok = z.object({ ok: z.literal(true) });
export type Ok = z.infer<typeof Ok>;
