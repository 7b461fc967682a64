"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { CheckFilter, type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { pageInput, useListParams } from "~/components/ui/useListParams";
import { useNow } from "~/components/useNow";
import { dateTime } from "~/lib/format";
import { createdColumn, nameColumn, timeColumn } from "~/components/ui/columns";
import type { RouterOutputs } from "~/trpc/outputs";
import { useTRPC } from "~/trpc/react";

// The form (react-hook-form, zod and the server's schema) loads when the dialog first opens.
const CreateKeyDialog = dynamic(() => import("./CreateKeyDialog").then((m) => m.CreateKeyDialog));

type ApiKey = RouterOutputs["apiKeys"]["list"]["items"][number];

export function ApiKeysPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  // core shows those who read the inventory every key; others their own.
  const canSeeAll = useCan("inventory.read");
  const list = useListParams({ filters: ["all", "revoked"] as const });
  const all = canSeeAll && list.filters.all === "1";
  const includeRevoked = list.filters.revoked === "1";
  const keys = useQuery({
    ...trpc.apiKeys.list.queryOptions({ ...pageInput(list), all, includeRevoked }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiKeys.pathFilter()),
    }),
  );

  const columns: Column<ApiKey>[] = [
    nameColumn({ name: (key) => key.name, flag: (key) => (key.revokedAt ? "Revoked" : null) }),
    { key: "key", header: "Key", secondary: true, cell: (key) => <code>vfn_{key.prefix}_…</code> },
    {
      key: "project",
      header: "Project",
      secondary: true,
      cell: (key) => key.projectName ?? <span className="muted">All (platform)</span>,
    },
    ...(all
      ? [{ key: "owner", header: "Owner", secondary: true, cell: (key: ApiKey) => key.username }]
      : []),
    timeColumn({
      key: "used",
      header: "Last used",
      at: (key) => key.lastUsedAt,
      now,
      secondary: false,
    }),
    createdColumn(),
  ];

  return (
    <ListPage
      title="API keys"
      subtitle={
        <>
          Keys let programs call the <a href="/api/docs">REST API</a> as you: with your role, and
          for tenants only inside the key&apos;s project. Send one as{" "}
          <code>Authorization: Bearer vfn_…</code>.
        </>
      }
      create={{
        label: "Create API key",
        dialog: (close) => <CreateKeyDialog open onClose={close} />,
      }}
      list={list}
      query={keys}
      columns={columns}
      rowKey={(key) => key.id}
      rowTestId="api-key-row"
      noun="API keys"
      toolbar={
        <>
          {canSeeAll ? <CheckFilter list={list} filter="all" label="Every user's keys" /> : null}
          <CheckFilter list={list} filter="revoked" label="Show revoked" />
        </>
      }
      empty={{ about: "Create one for a script or an integration." }}
      rowActions={(key) =>
        key.revokedAt ? (
          <span className="muted small">{dateTime(key.revokedAt)}</span>
        ) : (
          <ActionConfirm
            label="Revoke"
            danger
            title={`Revoke API key ${key.name}?`}
            body={
              <p>
                Programs using <code>vfn_{key.prefix}_…</code> get 401 from their next request. This
                cannot be undone.
              </p>
            }
            confirmLabel="Revoke key"
            action={() => revoke.mutateAsync({ apiKeyId: key.id })}
          />
        )
      }
    />
  );
}
