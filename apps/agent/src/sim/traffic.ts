import { createHash } from "node:crypto";
import type { Hypervisor } from "../hypervisor/types";
import type { Clock } from "../platform/clock";

/** What a PF driver counts for one VF (struct ifla_vf_stats, the fields the agent reads). */
export interface SimVfTraffic {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
  rxDropped: number;
  txDropped: number;
}

const ZERO: SimVfTraffic = {
  rxBytes: 0,
  rxPackets: 0,
  txBytes: 0,
  txPackets: 0,
  rxDropped: 0,
  txDropped: 0,
};

/** A VF's own traffic shape, fixed by its PCI address so that every run draws the same. */
function shapeOf(pci: string) {
  const h = createHash("sha256").update(pci).digest();
  const unit = (i: number) => (h[i] ?? 0) / 255;
  return {
    /** 0.5 to 40 MB/s received on average. */
    rxBytesPerS: 0.5e6 + unit(0) * 39.5e6,
    /** Sent over received: from a mostly-download VM to a server. */
    txOverRx: 0.2 + unit(1) * 1.6,
    /** Average frame: 200 to 1,400 bytes. */
    frameBytes: 200 + Math.round(unit(2) * 1200),
    /**
     * Seconds per load swing (5 to 20 minutes) and where in it the VF starts. Many samples per
     * swing at the workers' 30 s period: a swing near that period would draw as a zigzag.
     */
    periodS: 300 + unit(3) * 900,
    phase: unit(4) * 2 * Math.PI,
    /** Up to 1 in 10,000 frames dropped. */
    dropRatio: unit(5) * 1e-4,
  };
}

/**
 * Plausible traffic for the sim's VFs: a VF in a running domain moves bytes at a rate of its own
 * that swings slowly over minutes; any other VF stands still. Counters only grow (they are summed
 * in memory, so they start from zero when the agent starts, as a driver reload resets them).
 */
export class SimTraffic {
  private readonly totals = new Map<string, SimVfTraffic>();
  private lastReadAt: number | null = null;

  constructor(
    private readonly hypervisor: Pick<Hypervisor, "list">,
    private readonly clock: Clock,
  ) {}

  /** The counters of every VF that ever carried traffic, by VF PCI address, as of now. */
  async read(): Promise<ReadonlyMap<string, SimVfTraffic>> {
    const now = this.clock.now();
    const seconds = this.lastReadAt === null ? 0 : Math.max(0, now - this.lastReadAt) / 1000;
    this.lastReadAt = now;
    const busy = new Set<string>();
    for (const domain of await this.hypervisor.list())
      if (domain.state === "running")
        for (const nic of domain.live ?? []) if (nic.type === "vf") busy.add(nic.pciAddress);
    for (const pci of busy) {
      const shape = shapeOf(pci);
      const load = 1 + 0.6 * Math.sin((2 * Math.PI * now) / 1000 / shape.periodS + shape.phase);
      const rxBytes = Math.round(shape.rxBytesPerS * load * seconds);
      const txBytes = Math.round(rxBytes * shape.txOverRx);
      const rxPackets = Math.round(rxBytes / shape.frameBytes);
      const txPackets = Math.round(txBytes / shape.frameBytes);
      const t = this.totals.get(pci) ?? ZERO;
      this.totals.set(pci, {
        rxBytes: t.rxBytes + rxBytes,
        rxPackets: t.rxPackets + rxPackets,
        txBytes: t.txBytes + txBytes,
        txPackets: t.txPackets + txPackets,
        rxDropped: t.rxDropped + Math.round(rxPackets * shape.dropRatio),
        txDropped: t.txDropped + Math.round(txPackets * shape.dropRatio * 0.1),
      });
    }
    return this.totals;
  }
}

export { ZERO as NO_SIM_TRAFFIC };
