import { redirect } from "next/navigation";
import { homeFor } from "~/components/nav";
import { currentUser } from "~/trpc/server";
import { safeNext } from "~/lib/safe-next";
import { LoginForm } from "./LoginForm";

export const metadata = { title: "Sign in · virtfn" };

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
        <LoginForm next={target} />
      </div>
    </main>
  );
}
