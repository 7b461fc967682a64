import type { VmDetail, VmNicView } from "@virtfn/core";

/** What every dialog opened from a NIC row is given. */
export interface NicDialogProps {
  vm: VmDetail;
  nic: VmNicView;
  onClose: () => void;
}
