import { Link } from "~/components/ui/Link";

/** A detail page's way back: its list, then the thing itself (the current page). */
export function Breadcrumb({ parent, href, name }: { parent: string; href: string; name: string }) {
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <Link href={href}>{parent}</Link> <span aria-hidden="true">/</span>{" "}
      <span aria-current="page">{name}</span>
    </nav>
  );
}
