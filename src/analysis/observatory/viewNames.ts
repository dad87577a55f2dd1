/**
 * Names of the observatories of a joint view, shared by `observeJoint`, `crsky observe
 * --observatory` and the page's observatory selector. Pure and browser-clean.
 */

/** The first name that repeats an earlier one (in the order given), or undefined when all differ. */
export function repeatedName(names: readonly string[]): string | undefined {
  return names.find((n, i) => names.indexOf(n) !== i);
}

/** A joint view's identity whatever the order of its members: the names sorted and joined by "+". */
export function jointViewKey(names: readonly string[]): string {
  return [...names].sort().join('+');
}
