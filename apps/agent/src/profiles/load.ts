import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HostProfileFile, NicProfile, type HostProfile } from "./schema";

const profilesDir = fileURLToPath(new URL("../../profiles/", import.meta.url));

export const nicProfileNames = [
  "intel-i350",
  "intel-82599",
  "intel-x710",
  "intel-e810",
  "mellanox-cx5",
  "realtek-r8169",
  "intel-e1000e",
  "qemu-nvme",
] as const;
export type NicProfileName = (typeof nicProfileNames)[number];

export const hostProfileNames = [
  "kvm-i350-82599",
  "kvm-e810",
  "kvm-bond-82599",
  "kvm-no-iommu",
  "kvm-cx5-x710",
  "qemu-nvme-sriov",
] as const;
export type HostProfileName = (typeof hostProfileNames)[number];

function readJson(relative: string): unknown {
  return JSON.parse(readFileSync(`${profilesDir}${relative}`, "utf8")) as unknown;
}

export function loadNicProfile(name: string): NicProfile {
  return NicProfile.parse(readJson(`nics/${name}.json`));
}

/** Loads and validates profiles/hosts/<name>.json and resolves its NIC models. */
export function loadHostProfile(name: string): HostProfile {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`invalid host profile name ${name}`);
  const file = HostProfileFile.parse(readJson(`hosts/${name}.json`));
  const bonds = new Set(file.nics.map((n) => n.bond).filter((b): b is string => b !== null));
  for (const bond of bonds) {
    if (file.nics.some((n) => n.ifname === bond))
      throw new Error(`${name}: bond ${bond} clashes with a NIC name`);
  }
  return {
    ...file,
    name,
    nics: file.nics.map((entry) => ({ ...entry, profile: loadNicProfile(entry.nic) })),
  };
}

/** vendor:device → model, so the Linux backend can name NICs without lspci. */
export function knownNicModels(): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of nicProfileNames) {
    const p = loadNicProfile(name);
    map.set(`${p.vendorId}:${p.deviceId}`, p.model);
    if (p.vfDeviceId !== undefined)
      map.set(`${p.vendorId}:${p.vfDeviceId}`, `${p.model} Virtual Function`);
  }
  return map;
}
