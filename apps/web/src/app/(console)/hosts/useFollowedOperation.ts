"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { isActive } from "~/components/OperationsTable";
import { useTRPC } from "~/trpc/react";

/**
 * The operation a dialog started (a host's connect, a PF's split or restore), read every
 * `everyMs` until it ends; and a ref for the dialog's next step, focused on mount since the form
 * that had focus is gone. For dialogs that bring the data layer (withDataLayer).
 */
export function useFollowedOperation<E extends HTMLElement>(operationId: string, everyMs: number) {
  const trpc = useTRPC();
  const nextStep = useRef<E>(null);
  useEffect(() => nextStep.current?.focus(), []);
  const op = useQuery({
    ...trpc.operations.get.queryOptions({ id: operationId }),
    refetchInterval: (query) => (query.state.data && !isActive(query.state.data) ? false : everyMs),
  });
  return { op, nextStep };
}
