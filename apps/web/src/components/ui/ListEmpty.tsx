import type { ReactNode } from "react";
import { Button, type ButtonSize } from "./Button";

/** A list page's create action, for those who may create (null for the others). */
export interface CreateAction {
  label: string;
  onClick: () => void;
}

export function CreateButton({
  label,
  onClick,
  size = "md",
}: CreateAction & { size?: ButtonSize }) {
  return (
    <Button variant="primary" size={size} onClick={onClick}>
      {label}
    </Button>
  );
}

/**
 * A list's empty state: "No … yet.", then for those who may create one what it is with the
 * create button beside, and for the others who would create one.
 */
export function ListEmpty({
  noun,
  create,
  about,
  othersNote,
}: {
  noun: string;
  create: CreateAction | null;
  /** What one is, said to those who may create it. */
  about: ReactNode;
  othersNote: string;
}) {
  return (
    <>
      <p>
        <strong>No {noun} yet.</strong>
      </p>
      {create ? (
        <p>
          {about} <CreateButton {...create} size="sm" />
        </p>
      ) : (
        <p>{othersNote}</p>
      )}
    </>
  );
}
