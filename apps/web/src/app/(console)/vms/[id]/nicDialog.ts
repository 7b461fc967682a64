"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { VmDetail, VmNicView } from "@virtfn/core";
import { useTRPC } from "~/trpc/react";

/** What every dialog opened from a NIC row is given. */
export interface NicDialogProps {
  vm: VmDetail;
  nic: VmNicView;
  onClose: () => void;
}

/**
 * Invalidates what a NIC change touches: the VM, its list row, operations and network services;
 * then `then` (a dialog closes itself), when given.
 */
export function useVmRefresh(vmId: string, then?: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.vms.get.queryFilter({ vmId }));
    void queryClient.invalidateQueries(trpc.vms.list.pathFilter());
    void queryClient.invalidateQueries(trpc.operations.list.pathFilter());
    void queryClient.invalidateQueries(trpc.netservices.pathFilter());
    then?.();
  };
}
