// Operation kinds in words: its own module, so that pages which only format times and sizes
// (every list) do not carry the table.

/** "host.connect" → "Connect host". Unknown kinds show as they are. */
const kindLabels: Record<string, string> = {
  "host.connect": "Connect host",
  "host.setIommu": "Set IOMMU",
  "host.reboot": "Reboot host",
  "pf.split": "SR-IOV split",
  "pf.restore": "SR-IOV restore",
  "pf.reapply": "Re-apply VFs",
  "host.syncFdb": "Sync FDB",
  "host.syncVfPorts": "Sync VF ports",
  "vm.create": "Create VM",
  "vm.start": "Start VM",
  "vm.stop": "Stop VM",
  "vm.reboot": "Reboot VM",
  "vm.delete": "Delete VM",
  "vm.attachNic": "Attach NIC",
  "vm.detachNic": "Detach NIC",
  "vm.migrate": "Migrate VM",
  "vm.recover": "Recover VM",
};
export function operationKindLabel(kind: string): string {
  return kindLabels[kind] ?? kind;
}
export const knownOperationKinds = Object.keys(kindLabels);
