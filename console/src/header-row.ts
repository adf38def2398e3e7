/** One row of the custom headers editor. */
export interface HeaderRow {
  name: string;
  value: string;
}
