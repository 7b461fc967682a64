"use client";

import { ErrorBox } from "~/components/ErrorBox";
import { useCan, type Role } from "~/components/session";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useServerListView } from "~/components/ui/useServerList";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";

import { roleOptions, roles, usersList } from "./roles";

type UserPage = RouterOutputs["iam"]["users"]["list"];
type User = UserPage["items"][number];

// The form (react-hook-form, zod and the server's schema) loads when the dialog first opens.
const CreateUserDialog = withDataLayer(() =>
  import("./CreateUserDialog").then((m) => m.CreateUserDialog),
);

export function UsersPage({
  me,
  data,
  error,
}: {
  me: string;
  data: UserPage | null;
  error: ShownError | null;
}) {
  const isAdmin = useCan("iam.manage");
  const users = useServerListView({ data, error }, 30_000, usersList);
  const setRole = useAction((api, input: { userId: string; role: Role }) =>
    api.iam.users.setRole.mutate(input),
  );
  const setDisabled = useAction((api, input: { userId: string; disabled: boolean }) =>
    api.iam.users.setDisabled.mutate(input),
  );
  const remove = useAction((api, input: { userId: string }) => api.iam.users.delete.mutate(input));
  const rowError = setRole.error ?? setDisabled.error;

  const columns: Column<User, "username" | "createdAt" | "role">[] = [
    nameColumn({
      header: "User",
      name: (user) => user.username,
      flag: (user) => (user.disabled ? "Disabled" : null),
      sub: (user) => (user.displayName !== user.username ? user.displayName : null),
      sort: "username",
    }),
    {
      key: "role",
      header: "Role",
      sort: "role",
      cell: (user) =>
        isAdmin && user.username !== me ? (
          <select
            aria-label={`Role of ${user.username}`}
            value={user.role}
            disabled={setRole.isPending}
            onChange={(e) => setRole.mutate({ userId: user.id, role: e.target.value as Role })}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        ) : (
          <span className={`role role-${user.role.toLowerCase()}`}>{user.role}</span>
        ),
    },
    {
      key: "projects",
      header: "Projects",
      secondary: true,
      cell: (user) => user.projects.map((p) => p.name).join(", ") || "—",
    },
    { key: "keys", header: "API keys", num: true, secondary: true, cell: (u) => u.activeApiKeys },
    createdColumn("createdAt"),
  ];

  return (
    <ListPage
      title="Users"
      subtitle="Admins run the platform, tenants work inside their projects, auditors read everything."
      create={
        isAdmin
          ? { label: "Create user", dialog: (close) => <CreateUserDialog onClose={close} /> }
          : null
      }
      {...users}
      columns={columns}
      rowTestId="user-row"
      noun="users"
      search={{ label: "Search users", placeholder: "Search by username or name…" }}
      filters={[{ key: "role", label: "Role", allLabel: "All roles", options: roleOptions }]}
      notice={rowError ? <ErrorBox error={rowError} /> : null}
      empty={{
        about: "A user signs in with a password; their role says what they may do.",
        othersNote: "An admin has not created any users.",
      }}
      rowActions={
        isAdmin
          ? (user) =>
              user.username === me ? (
                <span className="muted small">You</span>
              ) : (
                <ActionMenu
                  ariaLabel={`Actions for ${user.username}`}
                  items={[
                    {
                      label: user.disabled ? "Enable" : "Disable",
                      onSelect: () =>
                        setDisabled.mutate({ userId: user.id, disabled: !user.disabled }),
                    },
                    {
                      label: "Delete",
                      danger: true,
                      confirm: {
                        title: `Delete user ${user.username}?`,
                        body: "Their sessions and API keys stop working at once. Operations they started keep their history.",
                        confirmLabel: "Delete user",
                        danger: true,
                        action: () => remove.mutateAsync({ userId: user.id }),
                      },
                    },
                  ]}
                />
              )
          : undefined
      }
    />
  );
}
