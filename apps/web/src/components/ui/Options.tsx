/** One choice of a select: the value the form takes and the label the user reads. */
export interface SelectOption {
  value: string;
  label: string;
}

/** A select's options, each keyed by its value. */
export function Options({ options }: { options: readonly SelectOption[] }) {
  return options.map((option) => (
    <option key={option.value} value={option.value}>
      {option.label}
    </option>
  ));
}
