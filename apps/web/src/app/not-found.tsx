import { ButtonLink } from "~/components/ui/Button";

export default function NotFound() {
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <ButtonLink href="/" variant="primary">
          Go to the console
        </ButtonLink>
      </div>
    </main>
  );
}
