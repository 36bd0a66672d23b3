/**
 * Hands a file the app fetched (a CSV export) to the browser's downloads, under `filename`. The file was fetched
 * with the access token in a header: a plain link to the API could not carry it, and a token in a URL would
 * end up in history and logs.
 */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: the click has started the download by then, in every browser.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
