"use client";

import type { HostDetail, NicDetail } from "@virtfn/core";
import { DialogButton } from "~/components/ui/DialogButton";
import { withDataLayer } from "~/trpc/withDataLayer";

// The dialogs query in the browser (pools, L2s, projects; live counters): they load with the data
// layer when first opened, not with the host page.
const VfPoolsDialog = withDataLayer(() => import("./VfPools").then((m) => m.VfPoolsDialog));
const PfCountersDialog = withDataLayer(() =>
  import("./PfCounters").then((m) => m.PfCountersDialog),
);

/**
 * The buttons on a PF's row (admins) that open its VF pools (issue 16) and its VFs' traffic: for
 * a PF that can have VFs and has a kernel name.
 */
export function PfVfButtons({ host, nic }: { host: HostDetail; nic: NicDetail }) {
  if (nic.totalVfs === 0 || nic.name === null) return null;
  return (
    <>
      <DialogButton
        label="VF pools"
        testId="vf-pools-open"
        dialog={(close) => <VfPoolsDialog host={host} nic={nic} onClose={close} />}
      />
      <DialogButton
        label="VF traffic"
        testId="pf-counters-open"
        dialog={(close) => <PfCountersDialog host={host} nic={nic} onClose={close} />}
      />
    </>
  );
}
