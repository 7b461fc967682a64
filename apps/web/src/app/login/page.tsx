import { DEMO_LOGINS } from "@virtfn/core";
import { redirect } from "next/navigation";
import { homeFor } from "~/components/nav";
import { currentUser } from "~/trpc/server";
import { safeNext } from "~/lib/safe-next";
import { LoginForm } from "./LoginForm";

export const metadata = { title: "Sign in · virtfn" };

// Every seeded demo login, from the list the seed itself uses, so the hint cannot leave one out.
const demoHint = `Demo: ${Object.values(DEMO_LOGINS)
  .map((login) => `${login.username} / ${login.password}`)
  .join(", ")}`;

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const user = await currentUser();
  const { next } = await searchParams;
  const target = safeNext(next);
  if (user) redirect(target ?? homeFor(user.role));
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand">virtfn</span>
          <span className="muted">SR-IOV control plane</span>
        </div>
        <LoginForm next={target} demoHint={demoHint} />
      </div>
    </main>
  );
}
