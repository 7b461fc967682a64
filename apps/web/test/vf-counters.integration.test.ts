// Issue 16: per-VF counters end to end. Sim agents over HTTP move traffic on the VFs of running
// VMs, the worker collects them into the database, and the web's /api/metrics exposes them with
// host, PF, VF, VM, NIC and project labels; a driver that keeps no VF counters (ixgbe) gives no
// series at all, and the stored history stays a bounded ring.
import type { RunningAgent } from "@virtfn/agent";
import { recordVfCounters, stopVm, VF_COUNTER_RING } from "@virtfn/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, type RunningWorker } from "../../worker/src/index";
import { createFixture, waitForOperation, type Fixture } from "../../worker/test/helpers";
import { addSimHost, type SimHost } from "../../worker/test/sriov-helpers";
import { catalog, network, runningVm, split } from "../../worker/test/vms-helpers";
import { metricsResponse } from "../src/server/metrics-endpoint";
import { webTelemetry } from "../src/server/telemetry";
import { parsePrometheusText as parse, type Sample } from "./prometheus-text";

const scrape = async () => {
  const response = await metricsResponse(new Request("http://127.0.0.1/api/metrics"), undefined);
  expect(response.status).toBe(200);
  return parse(await response.text()).filter((s) => s.name.startsWith("virtfn_vf_"));
};

let fx: Fixture;
let worker: RunningWorker;
let mlx5Host: SimHost;
const agents: RunningAgent[] = [];
let mlx5Vm: { id: string };

/** Collects until the mlx5 VM's received bytes have moved past `than`. */
async function collectUntilRxAbove(than: number): Promise<Sample[]> {
  for (let i = 0; i < 200; i += 1) {
    await worker.vfCounters.runOnce();
    // Due again at once: the test drives the periods itself.
    await fx.db.vfCounterCollection.updateMany({ data: { dueAt: new Date(0) } });
    const samples = await scrape();
    const rx = samples.find(
      (s) => s.name === "virtfn_vf_rx_bytes_total" && s.labels.vm === "web-a",
    );
    if (rx !== undefined && rx.value > than) return samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the mlx5 VF's counters never moved");
}

beforeAll(async () => {
  fx = await createFixture("vfcounters");
  process.env.DATABASE_URL = fx.database.url;
  process.env.VIRTFN_METRICS_CACHE_MS = "0";
  webTelemetry();
  worker = await startWorker(fx.config, () => undefined);
  mlx5Host = await addSimHost(fx, agents, "kvm-cx", "kvm-cx5-x710");
  const ixgbeHost = await addSimHost(fx, agents, "kvm-ix", "kvm-i350-82599");
  await split(fx, mlx5Host, "enp59s0f0np0", 2);
  await split(fx, ixgbeHost, "p1p1", 2);
  const onMlx5 = await network(fx, {
    name: "cx",
    iface: "enp59s0f0np0",
    cidr: "10.41.0.0/24",
    sriov: true,
  });
  const onIxgbe = await network(fx, {
    name: "ix",
    iface: "p1p1",
    cidr: "10.42.0.0/24",
    sriov: true,
  });
  const cat = await catalog(fx.db);
  mlx5Vm = await runningVm(fx, fx.tenant, cat, "web-a", [{ l3Id: onMlx5.id, sriov: true }]);
  await runningVm(fx, fx.tenant, cat, "web-b", [{ l3Id: onIxgbe.id, sriov: true }]);
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  await fx?.cleanup();
});

describe("per-VF counters in the Prometheus scrape", () => {
  it("shows a running VM's VF counters labelled with host, PF, VF, VM, NIC and project", async () => {
    const samples = await collectUntilRxAbove(0);
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vmId: mlx5Vm.id },
      include: { vf: true },
    });
    const labels = {
      host: "kvm-cx",
      pf: "enp59s0f0np0",
      vf: String(nic.vf?.index),
      vm: "web-a",
      nic: "eth0",
      project: "demo-project",
    };
    for (const name of [
      "virtfn_vf_rx_bytes_total",
      "virtfn_vf_rx_packets_total",
      "virtfn_vf_tx_bytes_total",
      "virtfn_vf_tx_packets_total",
      "virtfn_vf_rx_dropped_total",
      "virtfn_vf_tx_dropped_total",
    ]) {
      const found = samples.filter((s) => s.name === name && s.labels.vm === "web-a");
      expect(found, name).toHaveLength(1);
      expect(found[0]?.labels).toMatchObject(labels);
    }
    const value = (name: string) =>
      samples.find((s) => s.name === name && s.labels.vm === "web-a")?.value ?? -1;
    expect(value("virtfn_vf_tx_bytes_total")).toBeGreaterThan(0);
    expect(value("virtfn_vf_rx_packets_total")).toBeGreaterThan(0);

    // Counters only grow between scrapes.
    const later = await collectUntilRxAbove(value("virtfn_vf_rx_bytes_total"));
    expect(later.length).toBe(samples.length);
  });

  it("gives an ixgbe VF no series at all: its driver keeps no VF counters", async () => {
    const samples = await scrape();
    expect(samples.some((s) => s.labels.vm === "web-b")).toBe(false);
    expect(samples.some((s) => s.labels.host === "kvm-ix")).toBe(false);
  });

  it("keeps at most the ring's samples per NIC, the newest last", async () => {
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vmId: mlx5Vm.id },
      include: { vf: true },
    });
    const pci = nic.vf?.pciAddress ?? "";
    for (let i = 0; i < VF_COUNTER_RING + 5; i += 1)
      await recordVfCounters(fx.db, mlx5Host.hostId, {
        vfs: [
          {
            pf: "enp59s0f0np0",
            index: nic.vf?.index ?? 0,
            pciAddress: pci,
            rxBytes: 1e12 + i,
            rxPackets: 1,
            txBytes: 1,
            txPackets: 1,
            rxDropped: null,
            txDropped: null,
          },
        ],
      });
    expect(await fx.db.vfCounterSample.count({ where: { nicId: nic.id } })).toBe(VF_COUNTER_RING);
    const samples = await scrape();
    expect(
      samples.find((s) => s.name === "virtfn_vf_rx_bytes_total" && s.labels.vm === "web-a")?.value,
    ).toBe(1e12 + VF_COUNTER_RING + 4);
    // The newest sample has no drop counters: their series are absent, not 0.
    expect(
      samples.some((s) => s.name === "virtfn_vf_rx_dropped_total" && s.labels.vm === "web-a"),
    ).toBe(false);
  });

  it("drops a stopped VM's series: its NIC holds no VF any more", async () => {
    const { operation } = await stopVm(fx.db, fx.tenant, { vmId: mlx5Vm.id });
    expect((await waitForOperation(fx.db, fx.admin, operation.id)).status).toBe("Succeeded");
    expect((await scrape()).some((s) => s.labels.vm === "web-a")).toBe(false);
  });
});
