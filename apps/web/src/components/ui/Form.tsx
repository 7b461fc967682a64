import type { ComponentProps } from "react";

/**
 * A form that submits inside the page: `onSubmit` runs instead of the browser's navigation, and
 * the browser's own checks stay off because the console says what is wrong next to the field.
 */
export function Form({
  onSubmit,
  ...props
}: Omit<ComponentProps<"form">, "onSubmit" | "noValidate"> & { onSubmit: () => void }) {
  return (
    <form
      {...props}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    />
  );
}
