"use client";

import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { CheckFilter } from "~/components/ui/filters";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import { LocalTime } from "~/components/ui/ClockText";
import { createdColumn, nameColumn, timeColumn } from "~/components/ui/columns";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { apiKeysList } from "./api-keys-list";

// The form (react-hook-form, zod, the server's schema and its project picker's query) loads,
// with the data layer, when the dialog first opens.
const CreateKeyDialog = withDataLayer(() =>
  import("./CreateKeyDialog").then((m) => m.CreateKeyDialog),
);

type ApiKeyPage = RouterOutputs["apiKeys"]["list"];
type ApiKey = ApiKeyPage["items"][number];

export function ApiKeysPage({
  data,
  error,
  showsAll,
}: {
  data: ApiKeyPage | null;
  error: ShownError | null;
  /** Whether the list holds every user's keys (the page's verdict on the URL's filter). */
  showsAll: boolean;
}) {
  const now = useNow(30_000);
  const canSeeAll = useCan("inventory.read");
  const keys = useServerListView({ data, error }, 30_000, apiKeysList);
  const revoke = useAction((api, input: { apiKeyId: string }) => api.apiKeys.revoke.mutate(input));

  const columns: Column<ApiKey>[] = [
    nameColumn({ name: (key) => key.name, flag: (key) => (key.revokedAt ? "Revoked" : null) }),
    { key: "key", header: "Key", secondary: true, cell: (key) => <code>vfn_{key.prefix}_…</code> },
    {
      key: "project",
      header: "Project",
      secondary: true,
      cell: (key) => key.projectName ?? <span className="muted">All (platform)</span>,
    },
    ...(showsAll
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
      {...keys}
      columns={columns}
      rowTestId="api-key-row"
      noun="API keys"
      toolbar={
        <>
          {canSeeAll ? (
            <CheckFilter list={keys.list} filter="all" label="Every user's keys" />
          ) : null}
          <CheckFilter list={keys.list} filter="revoked" label="Show revoked" />
        </>
      }
      empty={{ about: "Create one for a script or an integration." }}
      rowActions={(key) =>
        key.revokedAt ? (
          <span className="muted small">
            <LocalTime date={key.revokedAt} />
          </span>
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
