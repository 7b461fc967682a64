"use client";

import type { OperationDetail } from "@virtfn/core";
import { useRouter } from "next/navigation";
import { ErrorBox } from "~/components/ErrorBox";
import { Button } from "~/components/ui/Button";
import { useAction } from "~/trpc/useAction";

/** A failed operation's retry, with core's verdict; the retry is a new operation on its own page. */
export function RetryAction({ op }: { op: OperationDetail }) {
  const router = useRouter();
  const retry = useAction((api, input: { id: string }) => api.operations.retry.mutate(input), {
    refresh: false,
    onSuccess: (result) => router.push(`/operations/${result.operation.id}`),
  });
  if (op.status !== "Failed") return null;
  return (
    <div className="actions">
      <Button
        variant="primary"
        disabled={!op.retry.allowed || retry.isPending}
        title={op.retry.reason ?? undefined}
        onClick={() => retry.mutate({ id: op.id })}
      >
        {retry.isPending ? "Retrying…" : "Retry"}
      </Button>
      {op.retry.reason ? (
        <p className="muted small" data-testid="retry-reason">
          {op.retry.reason}
        </p>
      ) : null}
      {retry.isError ? <ErrorBox title="Could not retry." error={retry.error} /> : null}
    </div>
  );
}
