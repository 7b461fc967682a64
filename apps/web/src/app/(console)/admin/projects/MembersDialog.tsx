"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Button } from "~/components/ui/Button";
import { useTRPC } from "~/trpc/react";
import { Form } from "~/components/ui/Form";
import { RemoveButton } from "~/components/ui/RemoveButton";

interface ProjectRow {
  id: string;
  name: string;
  members: Array<{ userId: string; username: string; role: string }>;
}

/**
 * A project's members, and for admins adding and removing them. It queries the users to add in
 * the browser: the projects page loads it, with the data layer, when it is first opened.
 */
export function MembersDialog({
  project,
  isAdmin,
  onClose,
}: {
  project: ProjectRow;
  isAdmin: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [userId, setUserId] = useState("");
  const users = useQuery({
    ...trpc.iam.users.list.queryOptions({ limit: 200 }),
    enabled: isAdmin,
  });
  const refresh = () => void queryClient.invalidateQueries(trpc.iam.pathFilter());
  const add = useMutation(
    trpc.iam.projects.addMember.mutationOptions({
      onSuccess: () => {
        setUserId("");
        refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.iam.projects.removeMember.mutationOptions({ onSuccess: refresh }),
  );
  const memberIds = new Set(project.members.map((m) => m.userId));
  const candidates = users.data?.items.filter((u) => !memberIds.has(u.id)) ?? [];
  const error = add.error ?? remove.error;
  return (
    <Dialog
      open
      onClose={() => {
        add.reset();
        remove.reset();
        onClose();
      }}
      title={`Members of ${project.name}`}
    >
      <div className="dialog-content">
        {project.members.length > 0 ? (
          <table className="data">
            <tbody>
              {project.members.map((m) => (
                <tr key={m.userId}>
                  <td className="strong">{m.username}</td>
                  <td>
                    <span className={`role role-${m.role.toLowerCase()}`}>{m.role}</span>
                  </td>
                  {isAdmin ? (
                    <td className="num">
                      <RemoveButton
                        action={remove}
                        input={{ projectId: project.id, userId: m.userId }}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No members yet.</p>
        )}
        {isAdmin ? (
          <Form
            className="toolbar"
            onSubmit={() => {
              if (userId) add.mutate({ projectId: project.id, userId });
            }}
          >
            <label className="field-inline grow" htmlFor={`${id}-user`}>
              <span>Add</span>
              <select id={`${id}-user`} value={userId} onChange={(e) => setUserId(e.target.value)}>
                <option value="">Select a user…</option>
                {candidates.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.username} ({u.role})
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" variant="primary" size="sm" disabled={!userId || add.isPending}>
              Add member
            </Button>
          </Form>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
      </div>
    </Dialog>
  );
}
