"use client";

import type { ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { Breadcrumb } from "./Breadcrumb";
import type { DetailList } from "./DetailGate";

/**
 * The head of a detail page (a host, a VM, an L2, an L3, an operation): the way back to its list,
 * the thing's name with its state badges, one line of where it is, its actions, and, while the
 * page keeps showing the last good answer, why the latest refresh failed.
 */
export function DetailHeader({
  list,
  name,
  badges,
  titleTestId,
  subtitle,
  actions,
  refreshError,
}: {
  /** The list the breadcrumb leads back to. */
  list: DetailList;
  name: string;
  badges: ReactNode;
  titleTestId?: string;
  subtitle: ReactNode;
  actions?: ReactNode;
  /** The query's error while its last data is still shown (null when the refresh went well). */
  refreshError: unknown;
}) {
  return (
    <>
      <Breadcrumb parent={list.label} href={list.href} name={name} />
      <div className="page-header">
        <div>
          <h1 className="host-title" data-testid={titleTestId}>
            {name} {badges}
          </h1>
          <p className="subtitle">{subtitle}</p>
        </div>
        {actions}
      </div>
      {refreshError ? <ErrorBox title="Refreshing failed." error={refreshError} /> : null}
    </>
  );
}
