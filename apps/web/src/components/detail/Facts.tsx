import { Fragment, type ReactNode } from "react";

/** One fact of a detail page: its label, its value, and the test id its value carries. */
export type Fact = readonly [label: string, value: ReactNode, testId?: string];

/** A column of facts; a fact that does not apply to this item is given as null and left out. */
export type FactColumn = readonly (Fact | null)[];

/**
 * A detail page's facts panel, rendered on the server: a titled panel of label/value columns
 * (`<dl>` each), so every detail page lays its facts out the same way.
 */
export function Facts({ title, columns }: { title: string; columns: readonly FactColumn[] }) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      <div className="facts">
        {columns.map((column, index) => (
          <dl key={index}>
            {column.map((fact) =>
              fact ? (
                <Fragment key={fact[0]}>
                  <dt>{fact[0]}</dt>
                  <dd data-testid={fact[2]}>{fact[1]}</dd>
                </Fragment>
              ) : null,
            )}
          </dl>
        ))}
      </div>
    </section>
  );
}
