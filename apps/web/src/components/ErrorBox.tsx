"use client";

import { errorData, errorMessage } from "~/lib/shown-error";
import { Button } from "~/components/ui/Button";

export function ErrorBox({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const data = errorData(error);
  return (
    <div className="error-box" role="alert">
      {title ? <strong>{title}</strong> : null}
      <span>{errorMessage(error)}</span>
      {data.domainCode && data.domainCode !== "VALIDATION_FAILED" ? (
        <code className="code">{data.domainCode}</code>
      ) : null}
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}
