import { buttonClass } from "~/components/ui/Button";

export default function NotFound() {
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        {/* A plain link: leaving a missing page may load the console afresh, and next/link would
            put the client router's link code into every page's first load. */}
        <a href="/" className={buttonClass({ variant: "primary" })}>
          Go to the console
        </a>
      </div>
    </main>
  );
}
