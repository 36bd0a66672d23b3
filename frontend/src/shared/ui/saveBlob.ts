/**
 * Hands a file the app holds (a download fetched with the session's token) to the browser, saved as
 * `filename`: a link to an object URL, clicked, then forgotten.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: a browser may read the URL only once the event is over.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
