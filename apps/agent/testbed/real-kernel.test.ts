import { createLinuxBackend } from "../src/backends/linux";
import { NodeSysfsIo } from "../src/platform/io";
import { NodeCommandRunner, routeCommands } from "../src/platform/runner";
import { readSriovState } from "../src/host/nics";
import { sriovKernelConformance } from "../test/conformance/sriov-kernel";
import { FakeVirsh } from "../test/fake-virsh";

// Runs inside the test bed's guest only (apps/agent/testbed/run.sh sets these).
const pf = process.env.VIRTFN_KERNEL_PF ?? "";
const pfDriver = process.env.VIRTFN_KERNEL_PF_DRIVER ?? "nvme";

sriovKernelConformance("real kernel", async () => {
  if (pf === "") throw new Error("VIRTFN_KERNEL_PF is not set: run apps/agent/testbed/run.sh");
  // The guest has no libvirt: virsh is the recording fake; dmesg, lspci and the rest are real
  // (or missing, which the agent reports as such).
  const handle = createLinuxBackend({
    runner: routeCommands({ virsh: new FakeVirsh() }, new NodeCommandRunner()),
    vfPollMs: 10,
  });
  const sys = new NodeSysfsIo("/sys");
  return {
    agent: handle.agent,
    sys,
    pf,
    pfDriver,
    totalVfs: (await readSriovState(sys, pf)).totalVfs,
    close: handle.close,
  };
});
