/** ServiceNow stores date-times as UTC `YYYY-MM-DD HH:MM:SS` strings. */
export function toGlideDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** A `YYYY-MM-DD HH:MM:SS` value, or `javascript:gs.dateGenerate('YYYY-MM-DD','HH:MM:SS')`, as a Glide string. */
export function normaliseGlideInput(value: string): string {
  const generated =
    /^javascript:gs\.dateGenerate\('(\d{4}-\d{2}-\d{2})','(\d{2}:\d{2}:\d{2})'\)$/.exec(
      value,
    );
  return generated ? `${generated[1]} ${generated[2]}` : value;
}
