"use client";

import type { Verdict } from "@virtfn/core";
import type { ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { useHydrated } from "~/components/useHydrated";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { Button } from "~/components/ui/Button";
import type { Api } from "~/trpc/client";
import { useAction } from "~/trpc/useAction";
import { refusal, SriovBadge } from "./shared";

/**
 * The SR-IOV panel of an L2 or L3 page: the state in words, core's verdicts on turning it on and
 * off (a refused "on" says why under the words), and a confirm before "off", which strands VFs.
 */
export function SriovSwitchPanel({
  idPrefix,
  network,
  description,
  offConsequence,
  explainOffError,
  onSwitch,
}: {
  /** "l2" or "l3": the heading's id and the test ids start with it. */
  idPrefix: string;
  /** The L2 or L3: its name, its SR-IOV flag and core's verdicts on switching it. */
  network: {
    name: string;
    sriovEnabled: boolean;
    actions: { enableSriov: Verdict; disableSriov: Verdict };
  };
  description: ReactNode;
  /** What turning it off does, in the confirm dialog. */
  offConsequence: string;
  explainOffError?: (error: unknown) => ReactNode;
  /** The network's update with SR-IOV on or off; the page is rendered again after it. */
  onSwitch: (api: Api, sriovEnabled: boolean) => Promise<unknown>;
}) {
  const isAdmin = useCan("inventory.manage");
  const hydrated = useHydrated();
  // Two actions: a refused "off" stays in its confirm, a refused "on" shows under the panel.
  const turnOn = useAction((api, _: void) => onSwitch(api, true));
  const turnOff = useAction((api, _: void) => onSwitch(api, false));
  const { name, sriovEnabled: enabled, actions: verdicts } = network;
  const enable = verdicts.enableSriov;
  return (
    <section className="panel" aria-labelledby={`${idPrefix}-sriov-heading`}>
      <h2 id={`${idPrefix}-sriov-heading`}>
        SR-IOV <SriovBadge enabled={enabled} />
      </h2>
      <p className="muted small">{description}</p>
      {/* The refusal of the one button shown, under the words, as the panel reads top down. */}
      {!enabled && !enable.allowed ? (
        <p className="hint disabled-reason" data-testid={`${idPrefix}-sriov-reason`}>
          {enable.reason}
        </p>
      ) : null}
      {enabled && !verdicts.disableSriov.allowed ? (
        <p
          className="hint disabled-reason"
          id={`${idPrefix}-sriov-off-reason`}
          data-testid={`${idPrefix}-sriov-off-reason`}
        >
          {verdicts.disableSriov.reason}
        </p>
      ) : null}
      {isAdmin ? (
        <div className="actions actions-start">
          {enabled ? (
            <ActionConfirm
              label="Turn SR-IOV off"
              disabledReason={refusal(verdicts.disableSriov)}
              testId={`${idPrefix}-sriov-off`}
              reasonElsewhere={`${idPrefix}-sriov-off-reason`}
              title={`Turn SR-IOV off on ${name}?`}
              body={offConsequence}
              confirmLabel="Turn SR-IOV off"
              danger
              action={() => turnOff.mutateAsync()}
              explainError={explainOffError}
            />
          ) : (
            <Button
              variant="primary"
              disabled={!hydrated || !enable.allowed || turnOn.isPending}
              title={enable.reason ?? undefined}
              onClick={() => turnOn.mutate()}
            >
              {turnOn.isPending ? "Saving…" : "Turn SR-IOV on"}
            </Button>
          )}
        </div>
      ) : null}
      {turnOn.isError ? (
        <div data-testid={`${idPrefix}-sriov-error`}>
          <ErrorBox title="Not changed." error={turnOn.error} />
        </div>
      ) : null}
    </section>
  );
}
