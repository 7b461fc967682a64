"use client";

import { useRouter } from "next/navigation";
import { useId, useRef, useState, type ComponentProps } from "react";
import { describedBy, Field } from "~/components/Field";
import { safeNext } from "~/lib/safe-next";
import { errorData, errorMessage, fieldErrorsOf } from "~/lib/errors";
import { useAction } from "~/trpc/useAction";
import { Button } from "~/components/ui/Button";
import { Form } from "~/components/ui/Form";

export function LoginForm({ next, demoHint }: { next: string | null; demoHint: string }) {
  const router = useRouter();
  const id = useId();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const passwordRef = useRef<HTMLInputElement>(null);
  const [signedIn, setSignedIn] = useState(false);
  // The tRPC client alone (no react-query): the sign-in page loads no data layer.
  const login = useAction(
    (api, input: { username: string; password: string }) => api.auth.login.mutate(input),
    {
      // The navigation below renders the next page; "Signing in…" stays until it does.
      refresh: false,
      onSuccess: () => {
        setSignedIn(true);
        // Checked again here: the prop is the page's verdict, but this is where the navigation is.
        // Without a `next`, the console's home sends the user to their role's start page on the
        // server (homeFor), so the navigation list stays out of this page's bundle.
        router.replace(safeNext(next) ?? "/");
        router.refresh();
      },
    },
  );
  const submit = () =>
    login.mutateAsync({ username, password }).catch((error: unknown) => {
      if (errorData(error).domainCode === "INVALID_CREDENTIALS") {
        setPassword("");
        passwordRef.current?.focus();
      }
    });
  const fields = login.error ? fieldErrorsOf(login.error) : {};
  const formError =
    login.error && Object.keys(fields).length === 0 ? errorMessage(login.error) : null;

  return (
    <Form
      className="login-form"
      // Before hydration a native submit must never put the password in the URL.
      method="post"
      onSubmit={() => void submit()}
    >
      <h1>Sign in</h1>
      {formError ? (
        <div className="error-box" role="alert" data-testid="login-error">
          {formError}
        </div>
      ) : null}
      <LoginField
        id={`${id}-username`}
        label="Username"
        error={fields.username}
        name="username"
        autoComplete="username"
        autoFocus
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <LoginField
        ref={passwordRef}
        id={`${id}-password`}
        label="Password"
        error={fields.password}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" variant="primary" block disabled={login.isPending || signedIn}>
        {login.isPending || signedIn ? "Signing in…" : "Sign in"}
      </Button>
      <p className="hint demo-hint">{demoHint}</p>
    </Form>
  );
}

/** A required login box with its label and the server's error for it. */
function LoginField({
  id,
  label,
  error,
  ...input
}: ComponentProps<"input"> & { id: string; label: string; error: string | undefined }) {
  return (
    <Field id={id} label={label} error={error}>
      <input
        {...input}
        id={id}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error)}
      />
    </Field>
  );
}
