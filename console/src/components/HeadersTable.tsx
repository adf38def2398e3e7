/** HTTP headers as a two-column table. */
export function HeadersTable({ headers, caption }: { headers: Record<string, string> | null | undefined; caption: string }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p class="dim">No {caption.toLowerCase()}.</p>;
  return (
    <table class="kv">
      <caption class="sr-only">{caption}</caption>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>
              <code>{v}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
